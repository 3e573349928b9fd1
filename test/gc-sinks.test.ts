/**
 * Retention and sinks through the real binary: `pond gc --now <a day later>`
 * removes the partitions it expires from the dataset's SQLite table and CSV
 * files first and leaves the others; `--dry-run` only says which sinks would
 * lose which partitions; a sink that cannot be reached (PostgreSQL on a closed
 * port) keeps its dataset's partitions unexpired, is reported with exit 1,
 * does not stop the other datasets, and the next collection with a working
 * sink expires them. The publisher never publishes a partition past the
 * horizon. The webhook's removal message and the files sink are tested in
 * process.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { openContext } from '../src/cli/context.ts';
import { Publisher, webhookSignature } from '../src/sink/index.ts';
import { FilesSink } from '../src/sink/files/files-sink.ts';
import { WebhookSink } from '../src/sink/webhook/webhook-sink.ts';
import { EVENTS_SCHEMA, makeProject, ndjson, pond } from './helpers/project.ts';

const DAY = 86_400_000;
const CLOSED_PG = 'postgres://pond:pond@127.0.0.1:1/pond';
const pipeline = (mirror: string) => `
import { dataset, sink, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '0s' });
const sql = 'select user_id, count(*) as n, sum(amount) as amount from events group by user_id';
export const daily = dataset({
  name: 'daily', partition: 'day', inputs: { events }, retention: { partitions: '3d' }, sql,
  sinks: [sink.sqlite({ file: 'serve.db' }), sink.files({ name: 'csv', dir: 'exports', format: 'csv' })],
});
export const mirrored = dataset({ name: 'mirrored', partition: 'day', inputs: { events }, retention: { partitions: '3d' }, sql, sinks: [${mirror}] });
`;
const FAILING = `sink.postgres({ name: 'mirror', url: '${CLOSED_PG}' })`;
const WORKING = "sink.sqlite({ name: 'mirror', file: 'mirror.db' })";

interface SinkRemovalJson {
  dataset: string;
  sink: string;
  partitions: string[];
  error?: string;
}
interface GcJson {
  partitions: Array<{ dataset: string; key: string }>;
  sinks: SinkRemovalJson[];
  totals: { partitions: number; sinkRemovals: number; sinkErrors: number };
}

const dayKey = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)}T00:00Z/P1D`;
const dayFolder = (ms: number) => `date=${new Date(ms).toISOString().slice(0, 10)}`;

describe('pond gc and sinks', () => {
  it(
    "removes expiring partitions from every sink before expiring them; a failing sink keeps its dataset's partitions for the next collection",
    { timeout: 240_000 },
    async () => {
      const today = Math.floor(Date.now() / DAY) * DAY;
      // Hourly events over the days D-4 … D-2, and one early on D-1 that closes D-2.
      const events = [
        ...Array.from({ length: 72 }, (_, h) => ({
          user_id: `u${h % 3}`,
          time_utc: new Date(today - 4 * DAY + h * 3_600_000 + 900_000).toISOString(),
          amount: h,
        })),
        { user_id: 'u0', time_utc: new Date(today - DAY + 1_800_000).toISOString(), amount: 1 },
      ];
      const dir = makeProject({ 'pipelines/p.ts': pipeline(FAILING), 'schemas/events.json': EVENTS_SCHEMA, 'a.ndjson': ndjson(events) });
      for (const args of [['load', 'events', path.join(dir, 'a.ndjson')], ['build']]) {
        const r = pond(dir, ...args);
        assert.equal(r.status, 0, `pond ${args.join(' ')}: ${r.stderr}`);
      }
      // Retention 3d keeps D-3 onwards now (D-4 was never built); a day later, D-3 expires.
      const [expiring, staying] = [dayKey(today - 3 * DAY), dayKey(today - 2 * DAY)];
      const partitionsOf = (file: string, table: string): string[] => {
        const db = new Sqlite(path.join(dir, file), { readonly: true });
        try {
          return (db.prepare(`select distinct _pond_partition as p from ${table} order by 1`).all() as Array<{ p: string }>).map((r) => r.p);
        } finally {
          db.close();
        }
      };
      const csv = (ms: number) => path.join(dir, 'exports/daily', dayFolder(ms), 'data.csv');
      const built = partitionsOf('serve.db', 'daily');
      assert.deepEqual(built.slice(0, 2), [expiring, staying]);
      assert.ok(existsSync(csv(today - 3 * DAY)) && existsSync(csv(today - 2 * DAY)));

      const later = new Date(Date.now() + DAY).toISOString();
      const gc = (...args: string[]) => pond(dir, 'gc', '--now', later, ...args);
      const gcJson = (...args: string[]) => {
        const r = gc(...args, '--json');
        return { status: r.status, json: JSON.parse(r.stdout) as GcJson, stderr: r.stderr };
      };
      const summary = (s: SinkRemovalJson[]) => s.map((r) => `${r.dataset}/${r.sink} ${r.partitions.join(',')}${r.error ? ' failed' : ''}`).sort();

      // A dry run says which sink would lose which partition, and touches none (the unreachable one included).
      const dry = gcJson('--dry-run');
      assert.equal(dry.status, 0, dry.stderr);
      assert.deepEqual(summary(dry.json.sinks), [`daily/csv ${expiring}`, `daily/sqlite ${expiring}`, `mirrored/mirror ${expiring}`]);
      assert.deepEqual(dry.json.partitions.map((p) => `${p.dataset} ${p.key}`).sort(), [`daily ${expiring}`, `mirrored ${expiring}`]);
      assert.match(gc('--dry-run').stdout, /daily: would remove from sink sqlite: 1 partition\b/);
      assert.deepEqual(partitionsOf('serve.db', 'daily'), built);
      assert.ok(existsSync(csv(today - 3 * DAY)));

      // The collection: out of the table and the files, then expired; the unreachable sink holds mirrored back (exit 1), not daily.
      const run = gcJson();
      assert.equal(run.status, 1, run.stderr);
      assert.deepEqual(summary(run.json.sinks), [`daily/csv ${expiring}`, `daily/sqlite ${expiring}`, 'mirrored/mirror  failed']);
      assert.match(run.json.sinks.find((s) => s.sink === 'mirror')?.error ?? '', /dataset "mirrored" sink "mirror": cannot connect to PostgreSQL/);
      assert.deepEqual(
        run.json.partitions.map((p) => `${p.dataset} ${p.key}`),
        [`daily ${expiring}`],
      );
      assert.deepEqual([run.json.totals.sinkRemovals, run.json.totals.sinkErrors], [2, 1]);
      assert.deepEqual(partitionsOf('serve.db', 'daily'), built.slice(1));
      assert.ok(!existsSync(path.dirname(csv(today - 3 * DAY))), "the expired day's file and folder are gone");
      assert.ok(existsSync(csv(today - 2 * DAY)));
      const again = gc();
      assert.equal(again.status, 1);
      assert.match(
        again.stdout,
        /mirrored: removing from sink mirror failed, so its expiring partitions stay until the next collection: .*cannot connect to PostgreSQL/,
      );
      assert.deepEqual(
        gcJson('--dry-run').json.partitions.map((p) => `${p.dataset} ${p.key}`),
        [`mirrored ${expiring}`],
        'mirrored still has the day in the lake',
      );

      // The publisher never puts back a partition past the horizon: as of a day later, only D-2 is published.
      const ctx = await openContext({ project: dir }, { readOnly: true });
      try {
        const keysPublished = async (now: number) => {
          const publisher = new Publisher(ctx, { now: () => now });
          try {
            return (await publisher.catchUp({ datasets: ['mirrored'], force: true, ignoreBackoff: true })).results.map((r) => r.key);
          } finally {
            await publisher.close();
          }
        };
        assert.deepEqual(await keysPublished(Date.now()), built);
        assert.deepEqual(await keysPublished(Date.parse(later)), built.slice(1));
      } finally {
        await ctx.close();
      }

      // With a sink that works, the next collection removes (nothing there: the file is not even created) and expires.
      writeFileSync(path.join(dir, 'pipelines/p.ts'), pipeline(WORKING));
      const fixed = gcJson();
      assert.equal(fixed.status, 0, fixed.stderr);
      assert.deepEqual(summary(fixed.json.sinks), [`mirrored/mirror ${expiring}`]);
      assert.deepEqual(
        fixed.json.partitions.map((p) => `${p.dataset} ${p.key}`),
        [`mirrored ${expiring}`],
      );
      assert.ok(!existsSync(path.join(dir, 'mirror.db')));
      assert.deepEqual(gcJson('--dry-run').json.sinks, [], 'nothing left to remove');
    },
  );
});

describe('removing a partition from a sink', () => {
  const ref = { dataset: 'daily', idx: 20_412, key: '2025-11-20T00:00Z/P1D', path: 'date=2025-11-20' };

  it('files: deletes the file, what an interrupted publish left, and the emptied folders; idempotent', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pond-files-'));
    const folder = path.join(dir, 'daily', 'date=2025-11-20');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'data.csv'), 'a\n1\n');
    writeFileSync(path.join(folder, '.data-0123456789ab.csv.tmp'), 'a\n');
    mkdirSync(path.join(dir, 'daily', 'date=2025-11-21'));
    writeFileSync(path.join(dir, 'daily', 'date=2025-11-21', 'data.csv'), 'a\n2\n');
    const sink = new FilesSink({ dir, format: 'csv', where: 'test' });
    await sink.remove(ref);
    assert.ok(!existsSync(folder));
    assert.ok(existsSync(path.join(dir, 'daily', 'date=2025-11-21', 'data.csv')), 'another partition stays');
    await sink.remove(ref);
    await sink.remove({ ...ref, dataset: 'never_published' });
  });

  it('webhook: one signed "removed" message a receiver that does not know it reads as an empty partition; a refusal fails', async () => {
    const received: Array<{ body: Record<string, unknown>; raw: string; signature: unknown; delivery: unknown }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push({
          body: JSON.parse(raw) as Record<string, unknown>,
          raw,
          signature: req.headers['x-pond-signature'],
          delivery: req.headers['x-pond-delivery'],
        });
        res.statusCode = req.url === '/refuse' ? 400 : 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const sink = new WebhookSink({
        url: `http://127.0.0.1:${port}/hook`,
        secret: 's3cret',
        batchRows: 10,
        where: 'dataset "daily" sink "webhook"',
        backoffMs: 10,
      });
      await sink.remove(ref);
      assert.equal(received.length, 1);
      assert.deepEqual(received[0]?.body, { dataset: 'daily', partition: ref.key, version: null, batch: 0, last: true, rows: [], removed: true });
      assert.equal(received[0]?.signature, webhookSignature('s3cret', received[0]?.raw ?? ''));
      assert.equal(received[0]?.delivery, `removed/${ref.key}`);
      const refused = new WebhookSink({ url: `http://127.0.0.1:${port}/refuse`, secret: 's', batchRows: 10, where: 'w', backoffMs: 10 });
      await assert.rejects(refused.remove(ref), /refused partition 2025-11-20T00:00Z\/P1D: HTTP 400/);
    } finally {
      server.close();
    }
  });
});
