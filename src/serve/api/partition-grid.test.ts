import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatasetPlan } from '../../orchestrate/index.ts';
import { GRAINS } from '../../partition/index.ts';
import { datasetRow, gridAxis, streamRow } from './partition-grid.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const hourly = { kind: 'time', grain: GRAINS.hour } as const;
const daily = { kind: 'time', grain: GRAINS.day } as const;

/** A plan of `states` (f fresh, s stale, m missing, x failed) from window `start`. */
function plan(partitioning: DatasetPlan['partitioning'], start: number, states: string): DatasetPlan {
  const n = states.length;
  const reason = Uint8Array.from(states, (c) => (c === 'f' ? 0 : c === 'x' ? 2 : 1));
  const built = Uint8Array.from(states, (c) => (c === 'm' ? 0 : 1));
  const failed = Uint8Array.from(states, (c) => (c === 'x' ? 1 : 0));
  return { name: 'd', partitioning, span: { start, end: start + n }, reason, built, failed } as unknown as DatasetPlan;
}

describe('the grid of streams and datasets × time', () => {
  it('cuts a window into round columns that start on round UTC times', () => {
    const axis = gridAxis(at('2026-11-24T07:13:00Z'), at('2026-11-25T07:13:00Z'), 100);
    assert.deepEqual(axis, { from: at('2026-11-24T07:00:00Z'), width: 15 * 60_000, count: 97 });
    const year = gridAxis(at('2025-11-24T07:13:00Z'), at('2026-11-24T07:13:00Z'), 100);
    assert.equal(year.width, 7 * 24 * HOUR);
    assert.equal(year.from % (24 * HOUR), 0, 'a column of days starts at midnight');
    assert.ok(year.count <= 100);
  });

  it('counts an hourly dataset per column by state, and a daily one in every column its day overlaps', () => {
    const axis = gridAxis(at('2026-11-24T00:00:00Z'), at('2026-11-24T06:00:00Z'), 3); // 2-hour columns
    assert.equal(axis.width, 2 * HOUR);
    const first = GRAINS.hour.index(at('2026-11-24T00:00:00Z'));
    const h = datasetRow(plan(hourly, first, 'ffsxmf'), axis);
    assert.deepEqual(
      [[...h.partitions], [...h.fresh], [...h.stale], [...h.failed], [...h.missing]],
      [
        [2, 2, 2],
        [2, 0, 1],
        [0, 1, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    );
    const d = datasetRow(plan(daily, GRAINS.day.index(at('2026-11-24T00:00:00Z')), 's'), axis);
    assert.deepEqual([...d.stale], [1, 1, 1]);
    // Windows outside the span are not counted: nothing is expected there.
    const late = datasetRow(plan(hourly, first + 4, 'ff'), axis);
    assert.deepEqual([...late.partitions], [0, 0, 2]);
  });

  it('counts a stream from its partition columns, windows without events left out', () => {
    const axis = gridAxis(at('2026-11-24T00:00:00Z'), at('2026-11-24T04:00:00Z'), 2);
    const first = GRAINS.hour.index(at('2026-11-24T00:00:00Z'));
    const columns = {
      idx: Float64Array.from([first - 5, first, first + 3, first + 9]),
      failed: Uint8Array.from([0, 0, 1, 0]),
      built: Uint8Array.from([1, 1, 0, 1]),
    };
    const row = streamRow(hourly, columns, axis);
    assert.deepEqual(
      [[...row.partitions], [...row.fresh], [...row.failed]],
      [
        [1, 1],
        [1, 0],
        [0, 1],
      ],
    );
  });

  it('sweeps a million partitions into a few hundred columns', () => {
    const n = 1_000_000;
    const axis = gridAxis(0, n * HOUR, 300);
    const row = datasetRow(plan(hourly, 0, 'f'.repeat(n - 1000) + 's'.repeat(1000)), axis);
    assert.ok(axis.count <= 300);
    assert.equal(
      row.fresh.reduce((a, b) => a + b, 0),
      n - 1000,
    );
    assert.equal(
      row.stale.reduce((a, b) => a + b, 0),
      1000,
    );
  });
});
