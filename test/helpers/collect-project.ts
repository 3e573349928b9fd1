/** A project for collection tests: an `events` stream, a Segment stream, and two sources. */
import { makeProject } from './project.ts';

export const APP_KEY = 'app-key-0123456789';
export const WEB_KEY = 'web-key-0123456789';

export const COLLECT_EVENTS_SCHEMA = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['user_id', 'time_utc', 'amount'],
  properties: {
    messageId: { type: 'string' },
    user_id: { type: 'string' },
    time_utc: { type: 'string', format: 'date-time' },
    amount: { type: 'number' },
    count: { type: 'integer' },
  },
});

const SEGMENT_SCHEMA = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['type', 'messageId', 'timestamp'],
  properties: {
    type: { type: 'string' },
    messageId: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time' },
    userId: { type: ['string', 'null'] },
    anonymousId: { type: ['string', 'null'] },
    event: { type: 'string' },
    properties: { type: 'object' },
    context: { type: 'object' },
  },
});

export function makeCollectProject(extraConfig = ''): string {
  return makeProject({
    'pond.config.ts': `import { defineConfig } from 'pond';
export default defineConfig({
  name: 'collect-test',
  concurrency: 2,
  collect: {
    host: '127.0.0.1',
    sources: {
      app: { writeKey: '${APP_KEY}', streams: ['events'] },
      web: { writeKey: '${WEB_KEY}', segment: 'web' },
    },
  },
  land: { interval: '200ms' },
  ${extraConfig}
});
`,
    'pipelines/streams.ts': `import { stream, dataset } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
export const web = stream({ name: 'web', schema: 'schemas/web.json', time: 'timestamp', partition: 'hour', lateness: '1m', start: '2020-01-01' });
export const totals = dataset({ name: 'totals', inputs: { events }, sql: 'select count(*) as n, sum(amount) as amount from events' });
`,
    'schemas/events.json': COLLECT_EVENTS_SCHEMA,
    'schemas/web.json': SEGMENT_SCHEMA,
  });
}
