/**
 * The PostgreSQL sink against a real server, through the real `pond` binary:
 * a daily dataset is published as it builds; the table (read with `pg` and
 * with `psql` when installed) holds exactly the rows of the current versions;
 * late data replaces exactly its partition's rows; a grown schema adds a
 * column. Needs POND_TEST_POSTGRES_URL; works in a fresh database
 * `pond_sink_<random>` that it drops afterwards.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { scratchDatabase } from '../helpers/postgres.ts';
import { EVENTS_SCHEMA, eventsOfDay, makeProject, ndjson, pond, pondJson } from '../helpers/project.ts';

const adminUrl = process.env.POND_TEST_POSTGRES_URL;

const pipeline = (extraColumn = '') => `
import { dataset, sink, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m' });
export const daily = dataset({
  name: 'daily',
  partition: 'day',
  inputs: { events },
  sql: \`select user_id, cast(sum(amount) as decimal(18, 2)) as amount, count(*) as n, max(_event_time) as last_at, list(distinct user_id) as ids${extraColumn} from events group by user_id\`,
  sinks: [sink.postgres({ url: process.env.SINK_PG_URL!, schema: 'serving', table: 'daily_sales' })],
});
`;

interface PgRow {
  _pond_partition: string;
  _pond_version: string;
  user_id: string;
  amount: string;
  n: string;
  last_at: Date;
  ids: string[];
  top?: number | null;
}

if (!adminUrl) {
  it('needs PostgreSQL', () => {
    throw new Error('POND_TEST_POSTGRES_URL is not set; see test/services/postgres-state-store.test.ts');
  });
} else {
  describe('PostgreSQL sink', () => {
    const db = scratchDatabase(adminUrl, 'pond_sink');
    const url = new URL(db.url);
    const rows = async (): Promise<PgRow[]> => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query<PgRow>('select * from serving.daily_sales order by _pond_partition, user_id')).rows;
      } finally {
        await client.end();
      }
    };
    const dir = makeProject({ 'pipelines/events.ts': pipeline(), 'schemas/events.json': EVENTS_SCHEMA });
    process.env.SINK_PG_URL = url.toString();
    const load = (file: string, list: Array<Record<string, unknown>>) => {
      writeFileSync(path.join(dir, file), ndjson(list));
      pondJson(dir, 'load', 'events', path.join(dir, file));
    };
    const lake = () =>
      pondJson<Array<{ day: string; user_id: string; amount: number | string; n: number }>>(dir, 'query', "select strftime(cast(last_at as date), '%Y-%m-%d') as day, user_id, amount, n from daily order by day, user_id").map((r) => ({
        ...r,
        amount: Number(r.amount),
      }));
    const asLake = (list: PgRow[]) => list.map((r) => ({ day: r._pond_partition.slice(0, 10), user_id: r.user_id, amount: Number(r.amount), n: Number(r.n) }));

    before(() => db.create());
    after(() => db.drop());

    it('creates the table from the schema and holds exactly the current versions\' rows', async () => {
      load('a.ndjson', [...eventsOfDay('2026-11-20', [...Array(24).keys()]), ...eventsOfDay('2026-11-21', [...Array(24).keys()]), ...eventsOfDay('2026-11-22', [1])]);
      const build = pond(dir, 'build');
      assert.equal(build.status, 0, build.stderr);
      const list = await rows();
      assert.equal(list.length, 6);
      assert.deepEqual(asLake(list), lake());
      assert.ok(list[0]?.last_at instanceof Date);
      assert.deepEqual(list[0]?.ids, ['u0']);
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const types = (await client.query<{ column_name: string; data_type: string }>("select column_name, data_type from information_schema.columns where table_schema = 'serving' and table_name = 'daily_sales' order by ordinal_position")).rows;
      await client.end();
      assert.deepEqual(
        types.map((t) => `${t.column_name} ${t.data_type}`),
        ['_pond_partition text', '_pond_version text', 'user_id text', 'amount numeric', 'n bigint', 'last_at timestamp with time zone', 'ids jsonb'],
      );
      const versions = pondJson<Array<{ sink: string; published: number; behind: number }>>(dir, 'sinks');
      assert.deepEqual(versions.map((s) => [s.sink, s.published, s.behind]), [['postgres', 2, 0]]);
    });

    it('psql shows the same rows', { skip: spawnSync('psql', ['--version']).status !== 0 && 'psql is not installed' }, () => {
      const out = spawnSync('psql', [url.toString(), '-XAtc', "select _pond_partition, user_id, amount, n from serving.daily_sales order by 1, 2"], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const lines = out.stdout.trim().split('\n');
      assert.equal(lines.length, 6);
      assert.deepEqual(
        lines.map((l) => l.split('|')).map(([p, user_id, amount, n]) => ({ day: (p as string).slice(0, 10), user_id, amount: Number(amount), n: Number(n) })),
        lake(),
      );
    });

    it('late data replaces exactly its partition\'s rows, in one transaction', async () => {
      const before = await rows();
      load('late.ndjson', eventsOfDay('2026-11-20', [5], 100));
      assert.equal(pond(dir, 'build').status, 0);
      const now = await rows();
      const day = (list: PgRow[], d: string) => list.filter((r) => r._pond_partition.startsWith(d));
      assert.deepEqual(day(now, '2026-11-21'), day(before, '2026-11-21'));
      assert.notEqual(day(now, '2026-11-20')[0]?._pond_version, day(before, '2026-11-20')[0]?._pond_version);
      assert.equal(day(now, '2026-11-20').reduce((n, r) => n + Number(r.n), 0), 25);
      assert.deepEqual(asLake(now), lake());
    });

    it('re-publishing the same versions leaves the same rows', async () => {
      const before = await rows();
      const Sqlite = (await import('better-sqlite3')).default;
      const state = new Sqlite(path.join(dir, '.pond/state.db'));
      state.prepare('delete from sink_state').run();
      state.close();
      const again = pond(dir, 'publish');
      assert.equal(again.status, 0, again.stderr);
      assert.deepEqual(await rows(), before);
    });

    it('adds a column when the schema grows', async () => {
      writeFileSync(path.join(dir, 'pipelines/events.ts'), pipeline(', max(amount) as top'));
      assert.equal(pond(dir, 'build').status, 0);
      const list = await rows();
      assert.equal(list.length, 6);
      assert.ok(list.every((r) => typeof r.top === 'number'));
    });

    it('a server that cannot be reached is recorded against the partition, with the sink named, and retried', async () => {
      const before = await rows();
      const Sqlite = (await import('better-sqlite3')).default;
      const state = new Sqlite(path.join(dir, '.pond/state.db'));
      state.prepare("delete from sink_state where key like '2026-11-21%'").run();
      state.close();
      const bad = new URL(url.toString());
      bad.port = '1';
      const pondWith = (env: Record<string, string>, ...args: string[]) =>
        spawnSync(process.execPath, [path.join(import.meta.dirname, '../../bin/pond'), '--project', dir, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
      const failed = pondWith({ SINK_PG_URL: bad.toString() }, 'publish', '--json');
      assert.equal(failed.status, 1, failed.stderr);
      const report = JSON.parse(failed.stdout) as { failed: number; results: Array<{ partition: string; error: { where: string; code: string } }> };
      assert.equal(report.failed, 1);
      assert.equal(report.results[0]?.partition, '2026-11-21T00:00Z/P1D');
      assert.equal(report.results[0]?.error.code, 'STORAGE_UNAVAILABLE');
      assert.match(report.results[0]?.error.where ?? '', /dataset "daily" sink "postgres"/);
      const status = JSON.parse(pondWith({ SINK_PG_URL: bad.toString() }, 'sinks', '--json').stdout) as Array<{ failed: number; errors: Array<{ error: string }> }>;
      assert.equal(status[0]?.failed, 1);
      assert.match(status[0]?.errors[0]?.error ?? '', /cannot connect to PostgreSQL/);
      assert.deepEqual(await rows(), before);
      const retried = pond(dir, 'publish');
      assert.equal(retried.status, 0, retried.stderr);
      assert.match(retried.stdout, /Published 1 partition\b/);
      assert.deepEqual(await rows(), before);
    });
  });
}
