/**
 * Sinks end to end through the real `pond` binary: a daily dataset published
 * to a SQLite table and to CSV and Parquet files as it builds; late data
 * replaces exactly its partition's rows; a grown schema adds a column;
 * re-publishing is idempotent; a failing sink is recorded, shown and retried.
 * The webhook sink is tested in process against a local HTTP server (HMAC,
 * batches, a 500 retried).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { EVENTS_SCHEMA, eventsOfDay, makeProject, ndjson, pond, pondJson, startUp, until } from './helpers/project.ts';
import { WebhookSink } from '../src/sink/webhook/webhook-sink.ts';
import { webhookSignature, type PartitionPayload } from '../src/sink/index.ts';

const pipeline = (extraColumn = '') => `
import { dataset, sink, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m' });
export const daily = dataset({
  name: 'daily',
  partition: 'day',
  inputs: { events },
  sql: \`select user_id, cast(sum(amount) as decimal(18, 2)) as amount, count(*) as n, max(_event_time) as last_at${extraColumn} from events group by user_id\`,
  sinks: [
    sink.sqlite({ file: 'serve.db' }),
    sink.files({ name: 'csv', dir: 'exports', format: 'csv' }),
    sink.files({ name: 'parquet', dir: 'exports-pq', format: 'parquet' }),
    sink.sqlite({ name: 'blocked', file: 'blocked/serve.db', table: 'daily_copy' }),
  ],
});
`;

interface SinkStatus {
  dataset: string;
  sink: string;
  partitions: number;
  published: number;
  behind: number;
  failed: number;
  errors: Array<{ key: string; error: string; attempts: number }>;
}

type TableRow = { _pond_partition: string; _pond_version: string; user_id: string; amount: number; n: number; last_at: string; top?: number };

describe('sinks', () => {
  const dir = makeProject({ 'pipelines/events.ts': pipeline(), 'schemas/events.json': EVENTS_SCHEMA });
  // 'blocked' is a file, so the 'blocked' sink cannot create its folder until the test removes it.
  writeFileSync(path.join(dir, 'blocked'), 'not a folder');
  const table = (name = 'daily', file = 'serve.db'): TableRow[] => {
    const db = new Sqlite(path.join(dir, file), { readonly: true });
    try {
      return db.prepare(`select * from ${name} order by _pond_partition, user_id`).all() as TableRow[];
    } finally {
      db.close();
    }
  };
  const lake = () =>
    pondJson<Array<{ user_id: string; amount: number | string; n: number; day: string }>>(
      dir,
      'query',
      "select strftime(pond_day, '%Y-%m-%d') as day, user_id, amount, n from (select *, cast(last_at as date) as pond_day from daily) order by day, user_id",
    );
  const asLake = (rows: TableRow[]) => rows.map((r) => ({ day: r._pond_partition.slice(0, 10), user_id: r.user_id, amount: Number(r.amount), n: r.n }));
  const load = (name: string, rows: Array<Record<string, unknown>>) => {
    writeFileSync(path.join(dir, name), ndjson(rows));
    pondJson(dir, 'load', 'events', path.join(dir, name));
  };

  it('publishes each committed partition as it builds: the table holds exactly the current versions', () => {
    load('a.ndjson', [
      ...eventsOfDay('2026-11-20', [...Array(24).keys()]),
      ...eventsOfDay('2026-11-21', [...Array(24).keys()]),
      ...eventsOfDay('2026-11-22', [1]),
    ]);
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr);
    const rows = table();
    assert.equal(rows.length, 6);
    assert.deepEqual(
      asLake(rows),
      lake().map((r) => ({ ...r, amount: Number(r.amount) })),
    );
    assert.deepEqual([...new Set(rows.map((r) => r._pond_partition))], ['2026-11-20T00:00Z/P1D', '2026-11-21T00:00Z/P1D']);
    assert.match(rows[0]?.last_at ?? '', /^2026-11-20T2\d:15:00\.000000Z$/);
  });

  it('exports CSV and Parquet files per partition', () => {
    const csv = readFileSync(path.join(dir, 'exports/daily/date=2026-11-20/data.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'user_id,amount,n,last_at');
    assert.equal(csv.length, 4);
    const pq = pondJson<Array<{ n: number }>>(dir, 'query', `select count(*) as n from read_parquet('${path.join(dir, 'exports-pq/daily/*/data.parquet')}')`);
    assert.deepEqual(pq, [{ n: 6 }]);
  });

  it('records a failing sink with its error, shows it, and keeps the build green', () => {
    const status = pondJson<SinkStatus[]>(dir, 'sinks');
    const by = Object.fromEntries(status.map((s) => [s.sink, s]));
    assert.deepEqual([by.sqlite?.partitions, by.sqlite?.published, by.sqlite?.behind, by.sqlite?.failed], [2, 2, 0, 0]);
    assert.deepEqual([by.blocked?.published, by.blocked?.failed], [0, 2]);
    assert.match(by.blocked?.errors[0]?.error ?? '', /cannot open SQLite file .*blocked\/serve\.db/);
    assert.match(by.blocked?.errors[0]?.error ?? '', /dataset "daily" sink "blocked"/);
    const text = pond(dir, 'sinks');
    assert.match(text.stdout, /✗ daily → blocked 2026-11-20T00:00Z\/P1D/);
  });

  it('pond publish retries the failure now (exit 1 while it fails, 0 once the sink works)', () => {
    const failing = pond(dir, 'publish', '--json');
    assert.equal(failing.status, 1);
    const report = JSON.parse(failing.stdout) as { published: number; failed: number; results: Array<{ sink: string; error: { code: string } | null }> };
    assert.deepEqual([report.published, report.failed], [0, 2]);
    assert.equal(pondJson<SinkStatus[]>(dir, 'sinks').find((s) => s.sink === 'blocked')?.errors[0]?.attempts, 2);
    rmSync(path.join(dir, 'blocked'));
    const fixed = pond(dir, 'publish');
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.match(fixed.stdout, /Published 2 partitions/);
    assert.equal(table('daily_copy', 'blocked/serve.db').length, 6);
    assert.match(pond(dir, 'publish').stdout, /Every sink holds the current version/);
  });

  it("late data rebuilds one day and replaces exactly that day's rows", () => {
    const before = table();
    load('late.ndjson', eventsOfDay('2026-11-20', [5], 100));
    assert.equal(pond(dir, 'build').status, 0);
    const afterRows = table();
    const day = (rows: TableRow[], d: string) => rows.filter((r) => r._pond_partition.startsWith(d));
    assert.deepEqual(day(afterRows, '2026-11-21'), day(before, '2026-11-21'));
    assert.notEqual(day(afterRows, '2026-11-20')[0]?._pond_version, day(before, '2026-11-20')[0]?._pond_version);
    assert.equal(
      day(afterRows, '2026-11-20').reduce((n, r) => n + r.n, 0),
      25,
    );
    assert.deepEqual(
      asLake(afterRows),
      lake().map((r) => ({ ...r, amount: Number(r.amount) })),
    );
  });

  it('re-publishing is idempotent: the same rows, whatever the sink state says', () => {
    const before = table();
    const db = new Sqlite(path.join(dir, '.pond/state.db'));
    db.prepare("delete from sink_state where dataset = 'daily'").run();
    db.close();
    const again = pond(dir, 'publish', 'daily');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Published 8 partitions/);
    assert.deepEqual(table(), before);
    // A wiped serving file comes back with --force (the state still says it holds everything).
    rmSync(path.join(dir, 'serve.db'));
    assert.match(pond(dir, 'publish').stdout, /Every sink holds/);
    const forced = pond(dir, 'publish', '--force');
    assert.equal(forced.status, 0, forced.stderr);
    assert.deepEqual(table(), before);
  });

  it('adds a column to the tables when the schema grows', () => {
    writeFileSync(path.join(dir, 'pipelines/events.ts'), pipeline(', max(amount) as top'));
    assert.equal(pond(dir, 'build').status, 0);
    const rows = table();
    assert.equal(rows.length, 6);
    assert.ok(rows.every((r) => typeof r.top === 'number'));
    assert.deepEqual(
      pondJson<SinkStatus[]>(dir, 'sinks', 'daily').map((s) => s.published),
      [2, 2, 2, 2],
    );
  });

  it('names the dataset in errors of pond publish and pond sinks', () => {
    const unknown = pond(dir, 'publish', 'nope');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown dataset "nope"/);
  });
});

describe('pond up and sinks', () => {
  it('retries a failed publish after its backoff, without a new build', { timeout: 90_000 }, async () => {
    const dir = makeProject({
      'pipelines/events.ts': `
import { dataset, sink, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m' });
export const totals = dataset({ name: 'totals', partition: 'day', inputs: { events }, sql: 'select count(*) as n from events', sinks: [sink.sqlite({ file: 'blocked/serve.db' })] });
`,
      'schemas/events.json': EVENTS_SCHEMA,
    });
    writeFileSync(path.join(dir, 'blocked'), 'not a folder');
    writeFileSync(path.join(dir, 'a.ndjson'), ndjson([...eventsOfDay('2026-11-20', [1, 2]), ...eventsOfDay('2026-11-22', [1])]));
    pondJson(dir, 'load', 'events', path.join(dir, 'a.ndjson'));
    assert.equal(pond(dir, 'build').status, 0);
    assert.equal(pondJson<SinkStatus[]>(dir, 'sinks')[0]?.failed, 2);
    rmSync(path.join(dir, 'blocked'));
    const up = startUp(dir);
    try {
      await up.url;
      // Both failed at build time; each is retried once its own backoff has passed, and said in the log.
      await until('pond up to publish the failed partitions', () => (pondJson<SinkStatus[]>(dir, 'sinks')[0]?.published === 2 ? true : undefined), 60_000, 500);
      await until('pond up to log what it published', () => (/published [12] partitions? to sinks/.test(up.output()) ? true : undefined), 10_000);
    } finally {
      up.proc.kill('SIGINT');
      await new Promise((resolve) => up.proc.once('exit', resolve));
    }
  });
});

describe('sink declarations', () => {
  it('a sink without its URL (an unset environment variable) stops the project with the field named', () => {
    const dir = makeProject({
      'pipelines/events.ts': `
import { dataset, sink, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc' });
export const totals = dataset({ name: 'totals', inputs: { events }, sql: 'select count(*) as n from events', sinks: [sink.postgres({ url: process.env.POND_TEST_UNSET_URL! })] });
`,
      'schemas/events.json': EVENTS_SCHEMA,
    });
    const r = pond(dir, 'sinks');
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /pipelines\/events\.ts:4: dataset "totals" field sinks\[0\]\.url: is undefined: the environment variable POND_TEST_UNSET_URL is not set/,
    );
  });
});

describe('webhook sink', () => {
  const received: Array<{ body: Record<string, unknown>; signature: string | undefined; raw: string; delivery: string | undefined }> = [];
  let failNext = 1;
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.statusCode = 500;
        res.end('busy');
        return;
      }
      received.push({
        body: JSON.parse(raw) as Record<string, unknown>,
        signature: req.headers['x-pond-signature'] as string | undefined,
        raw,
        delivery: req.headers['x-pond-delivery'] as string | undefined,
      });
      res.statusCode = req.url === '/refuse' ? 400 : 200;
      res.end('ok');
    });
  });
  after(() => server.close());

  const payload = (rows: number): PartitionPayload => ({
    dataset: 'daily',
    idx: 1,
    key: '2026-11-20T00:00Z/P1D',
    path: 'date=2026-11-20',
    versionId: 'v1',
    rowCount: rows,
    columns: [{ name: 'id', type: 'BIGINT' }],
    async *rows() {
      yield Array.from({ length: rows }, (_, i) => ({ id: i, big: 2n ** 60n }));
    },
    copyTo: () => Promise.reject(new Error('not used')),
  });

  it('sends signed batches, retries a 500, and marks the last batch', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const sink = new WebhookSink({ url: `http://127.0.0.1:${port}/hook`, secret: 's3cret', batchRows: 2, where: 'test', backoffMs: 10 });
    await sink.publish(payload(5));
    assert.equal(received.length, 3);
    for (const r of received) assert.equal(r.signature, webhookSignature('s3cret', r.raw));
    assert.deepEqual(
      received.map((r) => [r.body.batch, r.body.last, (r.body.rows as unknown[]).length]),
      [
        [0, false, 2],
        [1, false, 2],
        [2, true, 1],
      ],
    );
    assert.deepEqual(
      received.map((r) => r.delivery),
      ['v1/0', 'v1/1', 'v1/2'],
    );
    assert.equal((received[0]?.body.rows as Array<{ big: string }>)[0]?.big, String(2n ** 60n));
    // An empty partition is one batch with no rows, so the receiver can clear it.
    received.length = 0;
    await sink.publish(payload(0));
    assert.deepEqual(
      received.map((r) => [r.body.batch, r.body.last, (r.body.rows as unknown[]).length]),
      [[0, true, 0]],
    );
  });

  it('fails at once on a 4xx, and after its attempts on 5xx, naming the URL and partition', async () => {
    const { port } = server.address() as { port: number };
    const refused = new WebhookSink({
      url: `http://127.0.0.1:${port}/refuse`,
      secret: 's',
      batchRows: 10,
      where: 'dataset "daily" sink "webhook"',
      backoffMs: 10,
    });
    await assert.rejects(refused.publish(payload(1)), /refused partition 2026-11-20T00:00Z\/P1D: HTTP 400/);
    failNext = 3;
    const busy = new WebhookSink({ url: `http://127.0.0.1:${port}/hook`, secret: 's', batchRows: 10, where: 'w', backoffMs: 10, attempts: 3 });
    await assert.rejects(busy.publish(payload(1)), /after 3 attempts: HTTP 500/);
  });
});
