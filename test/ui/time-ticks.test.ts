/** The web UI's time axis: ticks on round UTC times, whatever the span. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeTicks } from '../../ui/src/time-ticks.ts';

const at = (iso: string) => Date.parse(iso);
const labels = (from: string, to: string, count = 6) => timeTicks(at(from), at(to), count).map((t) => t.label);

describe('timeTicks', () => {
  it('puts ticks on round hours, quarter hours and seconds', () => {
    assert.deepEqual(labels('2026-11-24T07:13:00Z', '2026-11-24T19:40:00Z'), ['09:00', '12:00', '15:00', '18:00']);
    assert.deepEqual(labels('2026-11-24T10:07:00Z', '2026-11-24T11:31:00Z'), ['10:15', '10:30', '10:45', '11:00', '11:15', '11:30']);
    assert.deepEqual(labels('2026-11-24T10:00:03Z', '2026-11-24T10:00:31Z'), ['10:00:05', '10:00:10', '10:00:15', '10:00:20', '10:00:25', '10:00:30']);
  });

  it('names midnight by its day, and days by their date', () => {
    assert.deepEqual(labels('2026-11-23T17:00:00Z', '2026-11-24T16:59:00Z'), ['18:00', '11-24', '06:00', '12:00']);
    assert.deepEqual(labels('2026-11-01T00:00:00Z', '2026-11-20T00:00:00Z'), ['11-02', '11-09', '11-16']);
  });

  it('steps by calendar months and years over long spans', () => {
    assert.deepEqual(labels('2025-11-15T00:00:00Z', '2026-11-24T00:00:00Z'), ['2026-01', '2026-04', '2026-07', '2026-10']);
    assert.deepEqual(labels('1970-01-01T00:00:00Z', '2084-01-01T00:00:00Z'), ['1980', '2000', '2020', '2040', '2060', '2080']);
  });

  it('every tick lies within the span and on a round time', () => {
    for (const [from, to] of [
      ['2026-11-24T07:13:11.123Z', '2026-11-24T07:59:59Z'],
      ['2026-02-27T03:00:00Z', '2026-03-04T00:00:00Z'],
      ['2001-05-05T05:05:05Z', '2026-11-24T00:00:00Z'],
    ] as const) {
      const ticks = timeTicks(at(from), at(to));
      assert.ok(ticks.length >= 2, `${from} … ${to}: ${ticks.length} ticks`);
      for (const t of ticks) {
        assert.ok(t.at >= at(from) && t.at <= at(to));
        assert.equal(t.at % 1000, 0, `${new Date(t.at).toISOString()} is a whole second`);
      }
    }
  });
});
