import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.ts';
import { everyGrain, GRAINS } from './grain.ts';
import { parsePartitionKey, partitionKey, partitionPath, UNPARTITIONED, type Partitioning } from './partitioning.ts';
import { retentionHorizon } from './retention-horizon.ts';

const hourly: Partitioning = { kind: 'time', grain: GRAINS.hour };

describe('partition keys', () => {
  it('round-trips canonical keys for every grain', () => {
    const t = Date.parse('2026-11-23T19:00:00Z');
    for (const grain of [GRAINS.minute, GRAINS.hour, GRAINS.day, GRAINS.month, everyGrain(10_000, '10s')]) {
      const p: Partitioning = { kind: 'time', grain };
      const i = grain.index(t);
      assert.equal(parsePartitionKey(p, partitionKey(p, i)), i, grain.name);
    }
    assert.equal(partitionKey(hourly, GRAINS.hour.index(t)), '2026-11-23T19:00Z/PT1H');
    assert.equal(partitionKey({ kind: 'time', grain: GRAINS.month }, GRAINS.month.index(t)), '2026-11-01T00:00Z/P1M');
  });

  it('makes Hive-style folder paths', () => {
    const t = Date.parse('2026-11-23T19:00:00Z');
    assert.equal(partitionPath(hourly, GRAINS.hour.index(t)), 'date=2026-11-23/hour=19');
    assert.equal(partitionPath({ kind: 'time', grain: GRAINS.day }, GRAINS.day.index(t)), 'date=2026-11-23');
  });

  it('knows which grains are made of which', () => {
    assert.ok(GRAINS.day.isMultipleOf(GRAINS.hour));
    assert.ok(GRAINS.month.isMultipleOf(GRAINS.day));
    assert.ok(!GRAINS.hour.isMultipleOf(GRAINS.day));
    assert.ok(!GRAINS.day.isMultipleOf(GRAINS.month));
  });

  it('rejects keys of another grain', () => {
    assert.equal(parsePartitionKey(hourly, '2026-11-23T00:00Z/P1D'), undefined);
    assert.equal(parsePartitionKey(hourly, '2026-11-23T19:30Z/PT1H'), undefined);
  });
});

describe('durations', () => {
  it('parses units and combinations, and refuses the rest', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('7d'), 604_800_000);
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('7 days'), undefined);
    assert.equal(parseDuration(''), undefined);
  });
});

describe('instants', () => {
  it('reads dates and times in UTC unless a zone is given', async () => {
    const { parseInstant } = await import('./instant.ts');
    assert.equal(parseInstant('2026-11-01'), Date.UTC(2026, 10, 1));
    assert.equal(parseInstant('2026-11-01T06:00'), Date.UTC(2026, 10, 1, 6));
    assert.equal(parseInstant('2026-11-01T06:00+02:00'), Date.UTC(2026, 10, 1, 4));
    assert.equal(parseInstant('yesterday'), undefined);
  });
});

describe('retention horizon', () => {
  it('is the first window whose end is after now minus the retention; nothing expires without one', () => {
    const daily: Partitioning = { kind: 'time', grain: GRAINS.day };
    const now = Date.parse('2026-11-23T12:00:00Z');
    const horizon = retentionHorizon(daily, 2 * 86_400_000, now);
    assert.equal(partitionKey(daily, horizon), '2026-11-21T00:00Z/P1D');
    // 2026-11-20 ended at 2026-11-21T00:00, before the cutoff 2026-11-21T12:00: it is past.
    assert.ok(GRAINS.day.start(horizon) <= now - 2 * 86_400_000);
    assert.equal(retentionHorizon(daily, null, now), -Infinity);
    assert.equal(retentionHorizon(UNPARTITIONED, 86_400_000, now), -Infinity);
  });
});
