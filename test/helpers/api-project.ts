/** A project for data API tests: an hourly `events` stream, an hourly dataset with a check, and one reading it. */
import { EVENTS_SCHEMA, makeProject } from './project.ts';

export const WRITE_KEY = 'app-key-0123456789';

/** `api` is the literal of the config's `api` field, e.g. `{ tokens: ['…'] }`. */
export function apiProject(host: string, api: string): string {
  return makeProject({
    'pond.config.ts': `import { defineConfig } from 'pond';
export default defineConfig({
  name: 'api-test',
  concurrency: 2,
  collect: { host: '${host}', sources: { app: { writeKey: '${WRITE_KEY}', streams: ['events'] } } },
  land: { interval: '200ms' },
  api: ${api},
});
`,
    'pipelines/pipeline.ts': `import { check, dataset, sink, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2026-01-01' });
export const hourly = dataset({
  name: 'hourly',
  description: 'Sales per user and hour.',
  inputs: { events },
  partition: 'hour',
  checks: [check.notNull('user_id')],
  sinks: [sink.sqlite({ file: '.pond/serve.db' })],
  sql: 'select user_id, count(*) as n, sum(amount) as amount from events group by user_id order by user_id',
});
export const totals = dataset({ name: 'totals', inputs: { hourly }, sql: 'select sum(n) as n, sum(amount) as amount from hourly' });
`,
    'schemas/events.json': EVENTS_SCHEMA,
  });
}

export const EVENTS = [
  { user_id: 'ann', time_utc: '2026-01-01T10:05:00Z', amount: 10 },
  { user_id: 'ann', time_utc: '2026-01-01T10:25:00Z', amount: 5 },
  { user_id: 'bob', time_utc: '2026-01-01T10:45:00Z', amount: 7.5 },
  { user_id: 'bob', time_utc: '2026-01-01T11:10:00Z', amount: 1 },
  { user_id: 'cy, "the third"', time_utc: '2026-01-01T12:30:00Z', amount: 2 },
];
