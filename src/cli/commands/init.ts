/**
 * `pond init DIR`: the project a newcomer copies from — a stream with a write
 * key to send to, two checked datasets (money as DECIMAL, a day column), a
 * pipeline test, sample events already loaded, and a README of its own.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PondError } from '../../errors/index.ts';
import { loadFile } from '../../land/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';

const CONFIG = `import { defineConfig } from 'pond';

export default defineConfig({
  name: '__NAME__',
  concurrency: 4,
  collect: {
    sources: {
      // Who may send to which stream. A real key comes from the environment; the fallback is for trying Pond out.
      app: { writeKey: process.env.APP_WRITE_KEY ?? 'app-dev-write-key', streams: ['events'] },
    },
  },
});
`;

const PIPELINE = `import { check, dataset, stream } from 'pond';

/** Events as the app sends them; event time is \`time_utc\`. */
export const events = stream({
  name: 'events',
  schema: 'schemas/events.schema.json',
  time: 'time_utc',
  partition: 'hour',
  lateness: '10m',
});

/** Events per type and hour, with the amount spent (money as DECIMAL: sums of floats print 2419.7000000000003). */
export const hourly_counts = dataset({
  name: 'hourly_counts',
  inputs: { events },
  // Run on every new version before it is used; a failed 'error' check keeps the version out.
  checks: [
    check.unique('event_type'),
    check.acceptedValues('event_type', ['login', 'view', 'purchase']),
    check.range('amount', { min: 0 }),
  ],
  sql: \`
    select
      event_type,
      count(*) as events,
      count(distinct user_id) as users,
      cast(coalesce(sum(amount), 0) as decimal(12, 2)) as amount
    from events
    group by event_type
  \`,
});

/** The same per day, from its 24 hours; \`pond_partition\` is the partition being built (its key, start and end). */
export const daily_counts = dataset({
  name: 'daily_counts',
  partition: 'day',
  inputs: { hourly: hourly_counts },
  sql: \`
    select cast(p.start as date) as day, event_type, sum(events) as events, sum(amount) as amount
    from hourly
    cross join pond_partition p
    group by p.start, event_type
  \`,
});
`;

const TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDataset } from 'pond/testing';
import { hourly_counts } from '../pipelines/events.ts';

// Run with \`npx pond test\`: the real SQL, in memory, on the rows given here.
test('hourly_counts counts events and users per type, and sums amounts', async () => {
  const rows = await runDataset(hourly_counts, {
    partition: '2026-11-23T19:00Z',
    orderBy: ['event_type'],
    inputs: {
      events: [
        { event_type: 'view', user_id: 'u1', time_utc: '2026-11-23T19:05:00Z' },
        { event_type: 'view', user_id: 'u1', time_utc: '2026-11-23T19:06:00Z' },
        { event_type: 'purchase', user_id: 'u2', time_utc: '2026-11-23T19:07:00Z', amount: 12.5 },
      ],
    },
  });
  assert.deepEqual(rows, [
    { event_type: 'purchase', events: 1, users: 1, amount: 12.5 },
    { event_type: 'view', events: 2, users: 1, amount: 0 },
  ]);
});
`;

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['event_type', 'user_id', 'time_utc'],
  properties: {
    event_type: { type: 'string', enum: ['login', 'view', 'purchase'] },
    user_id: { type: 'string' },
    time_utc: { type: 'string', format: 'date-time' },
    amount: { type: 'number', minimum: 0 },
  },
  additionalProperties: false,
};

const README = [
  '# __NAME__',
  '',
  'A Pond project: events come in over HTTP, land unchanged in the lake (`.pond/`), and two',
  'datasets are kept up to date from them.',
  '',
  "- `pond.config.ts`: the project's settings, and who may send events (`collect.sources`).",
  '- `schemas/events.schema.json`: what an event must look like; others go to the dead letters with the reason.',
  '- `pipelines/events.ts`: the `events` stream (hourly partitions) and the datasets `hourly_counts` and `daily_counts`.',
  '- `tests/`: a test of `hourly_counts` on rows written in the test (`npx pond test`).',
  '',
  '```sh',
  'npx pond build       # builds what is stale; --dry-run says what and why',
  'npx pond query "select * from daily_counts order by day, event_type"',
  'npx pond up          # collector, web UI and data API on http://127.0.0.1:8080; builds as events arrive',
  'npx pond check       # what CI runs: typecheck, schemas, plan, the tests',
  '```',
  '',
  'With `pond up` running, send events from another terminal:',
  '',
  '```sh',
  "npx pond send events data/live.ndjson        # the last hour's events (not loaded yet); the same file twice lands once",
  'curl -X POST http://127.0.0.1:8080/v1/streams/events/events \\',
  "  -H 'x-pond-write-key: app-dev-write-key' -H 'content-type: application/json' \\",
  '  -d \'[{"event_type":"purchase","user_id":"u1","amount":12.5,"time_utc":"\'$(date -u +%FT%TZ)\'"}]\'',
  'npx pond query "select * from events order by time_utc desc limit 3"   # landed within about a second',
  '```',
  '',
  'Edit a pipeline file while `pond up` runs: it loads the change and rebuilds what the new code changes.',
  'A change that does not load keeps the last good one running, and says why.',
].join('\n');

export async function initCommand(dir: string, options: GlobalOptions): Promise<number> {
  const root = path.resolve(dir);
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new PondError('BAD_ARGUMENT', `${root} is not empty`, { hint: 'choose a new or empty folder' });
  }
  mkdirSync(path.join(root, 'pipelines'), { recursive: true });
  mkdirSync(path.join(root, 'schemas'), { recursive: true });
  mkdirSync(path.join(root, 'data'), { recursive: true });
  mkdirSync(path.join(root, 'tests'), { recursive: true });
  writeFileSync(path.join(root, 'pond.config.ts'), CONFIG.replace('__NAME__', path.basename(root)));
  writeFileSync(path.join(root, 'pipelines', 'events.ts'), PIPELINE);
  writeFileSync(path.join(root, 'tests', 'hourly_counts.test.ts'), TEST);
  writeFileSync(path.join(root, 'schemas', 'events.schema.json'), `${JSON.stringify(SCHEMA, null, 2)}\n`);
  writeFileSync(path.join(root, 'package.json'), `${JSON.stringify({ name: path.basename(root), private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(path.join(root, '.gitignore'), '.pond/\nnode_modules/\n');
  writeFileSync(path.join(root, 'README.md'), `${README.replaceAll('__NAME__', path.basename(root))}\n`);
  writeFileSync(
    path.join(root, 'tsconfig.json'),
    `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, allowImportingTsExtensions: true, noEmit: true } }, null, 2)}\n`,
  );
  // The editor finds Pond's types through node_modules/pond; at run time Pond resolves 'pond' itself.
  const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));
  mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(packageRoot, path.join(root, 'node_modules', 'pond'), 'dir');
  // …and `npx pond` inside the project finds this Pond.
  symlinkSync(path.join('..', 'pond', 'bin', 'pond'), path.join(root, 'node_modules', '.bin', 'pond'));
  const sample = path.join(root, 'data', 'events.ndjson');
  const now = Date.now();
  writeFileSync(sample, sampleEvents(now));
  // Not loaded: what `pond send` sends to a running `pond up` (the README says so).
  writeFileSync(path.join(root, 'data', 'live.ndjson'), liveEvents(now));

  const ctx = await openContext({ ...options, project: root });
  try {
    const stream = ctx.project.streams.get('events');
    if (!stream) throw new PondError('INTERNAL', 'the new project has no events stream');
    const summary = await loadFile(ctx, stream, sample);
    if (options.json) {
      console.log(JSON.stringify({ project: root, loaded: summary }));
    } else {
      console.log(`Created ${root} and loaded ${summary.accepted} sample events (${summary.deadLetters} invalid ones went to the dead letters).`);
      console.log(
        `\nNext (README.md in the project says more):\n  cd ${dir}\n  npx pond build\n  npx pond query "select * from daily_counts order by day, event_type"\n  npx pond up        # the collector, the web UI on http://127.0.0.1:8080, builds as events arrive\n  npx pond send events data/live.ndjson   # in another terminal, with pond up running: the last hour's events\n  npx pond check     # what CI runs: typecheck, schemas, plan, the tests in tests/`,
      );
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

/** The last hour's events, up to now: new to the project, for `pond send`. */
function liveEvents(now: number): string {
  const start = Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000;
  const lines: string[] = [];
  for (let t = start, i = 0; t < now; t += 30_000, i++) {
    const type = i % 7 === 0 ? 'purchase' : i % 5 === 0 ? 'login' : 'view';
    lines.push(
      JSON.stringify({
        event_type: type,
        user_id: `u${1 + (i % 40)}`,
        time_utc: new Date(t).toISOString(),
        ...(type === 'purchase' ? { amount: 4.99 + (i % 9) } : {}),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** 48 hours of events ending an hour ago, with a few invalid ones. */
function sampleEvents(now: number): string {
  const end = Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000;
  const start = end - 48 * 3_600_000;
  const types = ['login', 'view', 'view', 'view', 'purchase'] as const;
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const lines: string[] = [];
  for (let t = start; t < end; t += 90_000) {
    const type = types[Math.floor(random() * types.length)] as string;
    const event: Record<string, unknown> = {
      event_type: type,
      user_id: `u${1 + Math.floor(random() * 40)}`,
      time_utc: new Date(t + Math.floor(random() * 90_000)).toISOString(),
    };
    if (type === 'purchase') event.amount = Math.round(random() * 10_000) / 100;
    lines.push(JSON.stringify(event));
  }
  lines.push('{"event_type":"purchase","user_id":"u1","time_utc":"not a time","amount":5}');
  lines.push('{"event_type":"refund","user_id":"u2","time_utc":"2026-01-01T00:00:00Z"}');
  lines.push('{"event_type":"view"');
  return `${lines.join('\n')}\n`;
}
