/** A TypeScript transformation reads its inputs in batches and yields rows; the output has the declared types. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

describe('TypeScript transformations', () => {
  it('build partitions from batches of input rows', () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/p.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const big = dataset({
  name: 'big_spenders',
  inputs: { events },
  columns: { user_id: 'VARCHAR', total: 'DOUBLE', hour: 'TIMESTAMPTZ' },
  async *transform({ inputs, partition, log }) {
    const totals = new Map<string, number>();
    for await (const batch of inputs.events.batches(2)) for (const r of batch) totals.set(String(r.user_id), (totals.get(String(r.user_id)) ?? 0) + Number(r.amount));
    log('users: ' + totals.size);
    for (const [user_id, total] of totals) if (total >= 10) yield { user_id, total, hour: partition.start };
  },
});
`,
    });
    writeFileSync(
      path.join(dir, 'e.ndjson'),
      ndjson([
        { user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 4 },
        { user_id: 'a', time_utc: '2026-11-20T10:02:00Z', amount: 7 },
        { user_id: 'b', time_utc: '2026-11-20T10:03:00Z', amount: 2 },
        { user_id: 'b', time_utc: '2026-11-20T10:04:00Z', amount: 3 },
        { user_id: 'c', time_utc: '2026-11-20T10:05:00Z', amount: 30 },
        { user_id: 'c', time_utc: '2026-11-20T12:00:00Z', amount: 1 },
      ]),
    );
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    const build = pond(dir, 'build', '--to', '2026-11-20T12:00Z');
    assert.equal(build.status, 0, build.stderr);
    const rows = pondJson(dir, 'query', 'select user_id, total, hour::varchar as hour, typeof(total) as t from big_spenders order by user_id');
    assert.deepEqual(rows, [
      { user_id: 'a', total: 11, hour: '2026-11-20 10:00:00+00', t: 'DOUBLE' },
      { user_id: 'c', total: 30, hour: '2026-11-20 10:00:00+00', t: 'DOUBLE' },
    ]);
  });

  it('reading a column the input row does not have fails the build, naming the column, the input and the dataset', () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/p.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const totals = dataset({
  name: 'totals',
  inputs: { events },
  columns: { user_id: 'VARCHAR', total: 'DOUBLE' },
  async *transform({ inputs }) {
    for await (const batch of inputs.events.batches()) for (const r of batch) yield { user_id: r.user_id, total: Number(r.spentt) };
  },
});
`,
    });
    writeFileSync(
      path.join(dir, 'e.ndjson'),
      ndjson([
        { user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 4 },
        { user_id: 'a', time_utc: '2026-11-20T12:00:00Z', amount: 1 },
      ]),
    );
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    const build = pond(dir, 'build', '--to', '2026-11-20T12:00Z');
    assert.equal(build.status, 1, build.stdout + build.stderr);
    assert.match(
      build.stderr,
      /pipelines\/p\.ts: dataset "totals" partition 2026-11-20T10:00Z\/PT1H: reads column "spentt", which input "events" does not have/,
    );
    assert.match(build.stderr, /its columns: user_id, time_utc, amount, _event_time/);
    assert.deepEqual(pondJson(dir, 'query', 'select count(*) as n from totals'), [{ n: 0 }], 'no NULLs written');
  });
});
