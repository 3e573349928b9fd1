/**
 * Retries with backoff for errors that say a retry can help, at once failure
 * for the others; and the code-change policy: a changed transformation rebuilds
 * every partition, or only new ones with `onCodeChange: 'new-only'`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

const EVENTS = ndjson([
  { user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 4 },
  { user_id: 'b', time_utc: '2026-11-20T11:01:00Z', amount: 5 },
  { user_id: 'c', time_utc: '2026-11-20T12:01:00Z', amount: 6 },
  { user_id: 'd', time_utc: '2026-11-20T13:01:00Z', amount: 7 },
]);

describe('retries', () => {
  it('retries a RetryableError with backoff until it succeeds, and keeps every attempt as a run', () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'e.ndjson': EVENTS,
      'pipelines/p.ts': `
import { readFileSync, writeFileSync } from 'node:fs';
import { dataset, RetryableError, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const flaky = dataset({
  name: 'flaky',
  inputs: { events },
  retries: { attempts: 3, backoff: '50ms' },
  columns: { n: 'BIGINT' },
  async *transform({ inputs }) {
    const file = new URL('../attempts.txt', import.meta.url);
    const n = Number(readFileSync(file, 'utf8')) + 1;
    writeFileSync(file, String(n));
    if (n < 3) throw new RetryableError('the service is busy (attempt ' + n + ')');
    yield { n: (await inputs.events.all()).length };
  },
});
`,
      'attempts.txt': '0',
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    const r = pond(dir, 'build', '--from', '2026-11-20T10:00Z', '--to', '2026-11-20T11:00Z');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(path.join(dir, 'attempts.txt'), 'utf8'), '3');
    const runs = pondJson<Array<{ status: string; attempt: number; error: string | null }>>(dir, 'runs');
    assert.deepEqual(
      runs.map((x) => [x.attempt, x.status]),
      [
        [3, 'succeeded'],
        [2, 'failed'],
        [1, 'failed'],
      ],
    );
    assert.match(runs[2]?.error ?? '', /the service is busy \(attempt 1\)/);
  });

  it('does not retry an error that says nothing about retrying', () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'e.ndjson': EVENTS,
      'pipelines/p.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const broken = dataset({ name: 'broken', inputs: { events }, retries: { attempts: 5, backoff: '10ms' }, async *transform() { throw new Error('a bug'); } });
`,
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    const r = pond(dir, 'build', '--from', '2026-11-20T10:00Z', '--to', '2026-11-20T11:00Z');
    assert.equal(r.status, 1);
    assert.equal(pondJson<unknown[]>(dir, 'runs').length, 1);
  });
});

describe('code changes', () => {
  const pipeline = (sql: string, policy: string) => `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const totals = dataset({ name: 'totals', inputs: { events }, onCodeChange: '${policy}', sql: '${sql}' });
`;
  interface Plan {
    datasets: Array<{ name: string; planned: number; ranges: Array<{ reason: string; partitions: number }> }>;
  }

  it('rebuilds every partition when the transformation changes, or none with new-only', () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'e.ndjson': EVENTS,
      'pipelines/p.ts': pipeline('select sum(amount) as amount from events', 'rebuild'),
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    assert.equal(pond(dir, 'build', '--to', '2026-11-20T14:00Z').status, 0);

    writeFileSync(path.join(dir, 'pipelines/p.ts'), pipeline('select sum(amount) * 2 as amount from events', 'rebuild'));
    const plan = pondJson<Plan>(dir, 'build', '--dry-run', '--to', '2026-11-20T14:00Z');
    assert.deepEqual(
      plan.datasets[0]?.ranges.map((r) => [r.reason, r.partitions]),
      [['code changed', 4]],
    );

    writeFileSync(path.join(dir, 'pipelines/p.ts'), pipeline('select sum(amount) * 3 as amount from events', 'new-only'));
    const none = pondJson<Plan>(dir, 'build', '--dry-run', '--to', '2026-11-20T14:00Z');
    assert.equal(none.datasets[0]?.planned, 0);
  });
});
