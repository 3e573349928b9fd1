/**
 * The PostgreSQL sink against a real server, through the real `pond` binary:
 * a daily dataset is published as it builds; the table (read with `pg` and
 * with `psql` when installed) holds exactly the rows of the current versions;
 * late data replaces exactly its partition's rows; a grown schema adds a
 * column. Awkward values (tabs, newlines, backslashes, `\N`, quotes, NULLs,
 * extreme numbers, old timestamps, JSON, bytes) read back from PostgreSQL
 * exactly as the lake holds them, which COPY's escaping must get right; a
 * publish failing mid-COPY (the server rejecting a row, or the rows failing
 * to read) leaves the previous rows. Removing an expired partition deletes
 * exactly its rows, again and on a missing table too. Needs POND_TEST_POSTGRES_URL; works in
 * fresh databases `pond_sink_<random>` that it drops afterwards.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PondError } from '../../src/errors/index.ts';
import { PostgresSink } from '../../src/sink/postgres/postgres-sink.ts';
import type { PartitionPayload } from '../../src/sink/index.ts';
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
      pondJson<Array<{ day: string; user_id: string; amount: number | string; n: number }>>(
        dir,
        'query',
        "select strftime(cast(last_at as date), '%Y-%m-%d') as day, user_id, amount, n from daily order by day, user_id",
      ).map((r) => ({
        ...r,
        amount: Number(r.amount),
      }));
    const asLake = (list: PgRow[]) => list.map((r) => ({ day: r._pond_partition.slice(0, 10), user_id: r.user_id, amount: Number(r.amount), n: Number(r.n) }));

    before(() => db.create());
    after(() => db.drop());

    it("creates the table from the schema and holds exactly the current versions' rows", async () => {
      load('a.ndjson', [
        ...eventsOfDay('2026-11-20', [...Array(24).keys()]),
        ...eventsOfDay('2026-11-21', [...Array(24).keys()]),
        ...eventsOfDay('2026-11-22', [1]),
      ]);
      const build = pond(dir, 'build');
      assert.equal(build.status, 0, build.stderr);
      const list = await rows();
      assert.equal(list.length, 6);
      assert.deepEqual(asLake(list), lake());
      assert.ok(list[0]?.last_at instanceof Date);
      assert.deepEqual(list[0]?.ids, ['u0']);
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const types = (
        await client.query<{ column_name: string; data_type: string }>(
          "select column_name, data_type from information_schema.columns where table_schema = 'serving' and table_name = 'daily_sales' order by ordinal_position",
        )
      ).rows;
      await client.end();
      assert.deepEqual(
        types.map((t) => `${t.column_name} ${t.data_type}`),
        ['_pond_partition text', '_pond_version text', 'user_id text', 'amount numeric', 'n bigint', 'last_at timestamp with time zone', 'ids jsonb'],
      );
      const versions = pondJson<Array<{ sink: string; published: number; behind: number }>>(dir, 'sinks');
      assert.deepEqual(
        versions.map((s) => [s.sink, s.published, s.behind]),
        [['postgres', 2, 0]],
      );
    });

    it('psql shows the same rows', { skip: spawnSync('psql', ['--version']).status !== 0 && 'psql is not installed' }, () => {
      const out = spawnSync('psql', [url.toString(), '-XAtc', 'select _pond_partition, user_id, amount, n from serving.daily_sales order by 1, 2'], {
        encoding: 'utf8',
      });
      assert.equal(out.status, 0, out.stderr);
      const lines = out.stdout.trim().split('\n');
      assert.equal(lines.length, 6);
      assert.deepEqual(
        lines.map((l) => l.split('|')).map(([p, user_id, amount, n]) => ({ day: (p as string).slice(0, 10), user_id, amount: Number(amount), n: Number(n) })),
        lake(),
      );
    });

    it("late data replaces exactly its partition's rows, in one transaction", async () => {
      const before = await rows();
      load('late.ndjson', eventsOfDay('2026-11-20', [5], 100));
      assert.equal(pond(dir, 'build').status, 0);
      const now = await rows();
      const day = (list: PgRow[], d: string) => list.filter((r) => r._pond_partition.startsWith(d));
      assert.deepEqual(day(now, '2026-11-21'), day(before, '2026-11-21'));
      assert.notEqual(day(now, '2026-11-20')[0]?._pond_version, day(before, '2026-11-20')[0]?._pond_version);
      assert.equal(
        day(now, '2026-11-20').reduce((n, r) => n + Number(r.n), 0),
        25,
      );
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
        spawnSync(process.execPath, [path.join(import.meta.dirname, '../../bin/pond'), '--project', dir, ...args], {
          encoding: 'utf8',
          env: { ...process.env, ...env },
        });
      const failed = pondWith({ SINK_PG_URL: bad.toString() }, 'publish', '--json');
      assert.equal(failed.status, 1, failed.stderr);
      const report = JSON.parse(failed.stdout) as { failed: number; results: Array<{ partition: string; error: { where: string; code: string } }> };
      assert.equal(report.failed, 1);
      assert.equal(report.results[0]?.partition, '2026-11-21T00:00Z/P1D');
      assert.equal(report.results[0]?.error.code, 'STORAGE_UNAVAILABLE');
      assert.match(report.results[0]?.error.where ?? '', /dataset "daily" sink "postgres"/);
      const status = JSON.parse(pondWith({ SINK_PG_URL: bad.toString() }, 'sinks', '--json').stdout) as Array<{
        failed: number;
        errors: Array<{ error: string }>;
      }>;
      assert.equal(status[0]?.failed, 1);
      assert.match(status[0]?.errors[0]?.error ?? '', /cannot connect to PostgreSQL/);
      assert.deepEqual(await rows(), before);
      const retried = pond(dir, 'publish');
      assert.equal(retried.status, 0, retried.stderr);
      assert.match(retried.stdout, /Published 1 partition\b/);
      assert.deepEqual(await rows(), before);
    });
  });

  // Every value type the sink writes, with the values COPY's escaping could get wrong.
  const AWKWARD_SQL = String.raw`select
    row_number() over (order by _event_time) as id,
    nullif(user_id, '<null>') as s,
    case amount when 1 then 1.7976931348623157e308 when 2 then -1.5e300 when 3 then 'NaN'::double when 4 then 'Infinity'::double when 5 then '-Infinity'::double else amount end as d,
    cast(case when amount > 0 then 9223372036854775807 when amount < 0 then -9223372036854775808 end as bigint) as big,
    case when amount < 0 then cast('-99999999999999999999999999999999999999' as decimal(38, 0)) else cast('99999999999999999999999999999999999999' as decimal(38, 0)) end as huge,
    case when amount > 0 then cast('1234567890123456789012345678.0123456789' as decimal(38, 10)) else cast('-0.0000000001' as decimal(38, 10)) end as dec,
    case when amount < 0 then timestamptz '0001-01-01 00:00:00.000001+00' else _event_time end as happened,
    cast(_event_time as timestamp) as ts,
    case when amount < 0 then date '1900-02-28' else cast(cast(_event_time as timestamp) as date) end as day,
    cast(cast(_event_time as timestamp) as time) as t,
    case when amount = 0 then null else amount > 0 end as ok,
    cast(hour(cast(_event_time as timestamp)) / 7 as float) as f,
    cast(minute(cast(_event_time as timestamp)) - 30 as smallint) as small,
    {'s': user_id, 'n': minute(cast(_event_time as timestamp)), 'l': [user_id, null]} as j,
    [user_id, 'x\ty', '\N'] as l,
    case when amount < 0 then cast('\x00\x5C\x09\x0A\xFF\x5CN' as blob) else encode(user_id) end as b
  from events`;
  const AWKWARD_STRINGS = [
    'tab\there',
    'new\nline',
    'cr\r\nlf',
    'back\\slash',
    '\\N',
    '\\.',
    'trailing\\',
    '\\x41',
    `"double" and 'single'`,
    'a,b,"c",\'d\'',
    'ünïcødé 🦆 中文 \u200b',
    '',
    '  spaces  ',
    '<null>',
    'NULL',
    'ctl\u0001\u0008\u000b\u000c\u007f',
  ];
  // What a stream takes: whole numbers below 2^53 (the extremes of DOUBLE come from the SQL).
  const AWKWARD_AMOUNTS = [0.1, -123456.789, 1e-300, 123456789.125, -0.5, 0, 2 ** 53 - 1, -(2 ** 53 - 1), -2.2250738585072014e-308, 5e-324, 1, 2, 3, 4, 5, 6];

  describe('PostgreSQL sink: COPY escaping and failures', () => {
    const db = scratchDatabase(adminUrl, 'pond_sink');
    const url = new URL(db.url);
    const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    };
    const awkwardPipeline = (sinkUrl: string) => `
import { dataset, sink, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m' });
export const awkward = dataset({
  name: 'awkward',
  partition: 'day',
  inputs: { events },
  sql: ${JSON.stringify(AWKWARD_SQL)},
  sinks: [sink.postgres({ url: ${JSON.stringify(sinkUrl)}, schema: 'serving', table: 'awkward' })],
});
`;
    const dir = makeProject({ 'pipelines/events.ts': awkwardPipeline(url.toString()), 'schemas/events.json': EVENTS_SCHEMA });
    const load = (file: string, list: Array<Record<string, unknown>>) => {
      writeFileSync(path.join(dir, file), ndjson(list));
      assert.equal(pondJson<{ accepted: number }>(dir, 'load', 'events', path.join(dir, file)).accepted, list.length, 'an event went to the dead letters');
    };
    // Both sides in a form that compares exactly: exact numbers as text, times as epoch microseconds, bytes as hex.
    const lake = () =>
      pondJson<unknown[]>(
        dir,
        'query',
        `select id, s, case when isnan(d) then 'NaN' when isinf(d) then cast(d > 0 as varchar) end as special, case when isfinite(d) then d end as d, cast(big as varchar) as big, cast(huge as varchar) as huge, cast(dec as varchar) as dec, cast(epoch_us(happened) as varchar) as happened, cast(epoch_us(ts) as varchar) as ts, cast(day as varchar) as day, cast(t as varchar) as t, ok, cast(f as double) as f, small, j, l, lower(hex(b)) as b from awkward order by id`,
      );
    const served = () =>
      query(
        `select id::int as id, s, case when d = 'NaN' then 'NaN' when d in ('Infinity', '-Infinity') then (d > 0)::text end as special, case when d not in ('NaN', 'Infinity', '-Infinity') then d end as d, big::text as big, huge::text as huge, dec::text as dec,
           (extract(epoch from happened) * 1000000)::numeric(30, 0)::text as happened, (extract(epoch from ts) * 1000000)::numeric(30, 0)::text as ts, day::text as day, t::text as t, ok, f::float8 as f, small, j, l, encode(b, 'hex') as b
         from serving.awkward order by id`,
      );

    before(() => db.create());
    after(() => db.drop());

    it('awkward values read back from PostgreSQL exactly as the lake holds them', async () => {
      load('awkward.ndjson', [
        ...AWKWARD_STRINGS.map((user_id, i) => ({
          user_id,
          time_utc: `2026-11-20T${String(i).padStart(2, '0')}:${String(i * 3).padStart(2, '0')}:07.${String(123456 + i)}Z`,
          amount: AWKWARD_AMOUNTS[i],
        })),
        // The next day's first event closes 2026-11-20 (its own day stays open, unbuilt).
        { user_id: 'next day', time_utc: '2026-11-21T01:00:00Z', amount: 1 },
      ]);
      const build = pond(dir, 'build');
      assert.equal(build.status, 0, build.stderr);
      const expected = lake();
      assert.equal(expected.length, AWKWARD_STRINGS.length);
      const actual = await served();
      assert.deepEqual(actual, expected);
      // The lake itself holds what was sent, so equality above is not two wrongs agreeing.
      assert.deepEqual(
        actual.map((r) => (r as { s: string | null }).s),
        AWKWARD_STRINGS.map((v) => (v === '<null>' ? null : v)),
      );
      const types = await query<{ column_name: string; data_type: string }>(
        "select column_name, data_type from information_schema.columns where table_schema = 'serving' and table_name = 'awkward' order by ordinal_position",
      );
      assert.deepEqual(
        types.map((t) => `${t.column_name} ${t.data_type}`),
        [
          '_pond_partition text',
          '_pond_version text',
          'id bigint',
          's text',
          'd double precision',
          'big bigint',
          'huge numeric',
          'dec numeric',
          'happened timestamp with time zone',
          'ts timestamp without time zone',
          'day date',
          't time without time zone',
          'ok boolean',
          'f real',
          'small smallint',
          'j jsonb',
          'l jsonb',
          'b bytea',
        ],
      );
    });

    it('a row the server rejects mid-COPY fails the publish, keeps the previous rows and records where it failed', async () => {
      const before = await served();
      // One row of the rebuilt partition breaks the rule, after rows COPY has already taken.
      await query("alter table serving.awkward add constraint no_boom check (s is distinct from 'boom')");
      load('boom.ndjson', [{ user_id: 'boom', time_utc: '2026-11-20T23:59:00Z', amount: 1 }]);
      const build = pond(dir, 'build');
      assert.equal(build.status, 0, build.stderr);
      assert.deepEqual(await served(), before);
      const status = pondJson<Array<{ failed: number; errors: Array<{ error: string }> }>>(dir, 'sinks');
      assert.equal(status[0]?.failed, 1);
      assert.match(status[0]?.errors[0]?.error ?? '', /publishing partition 2026-11-20T00:00Z\/P1D .* failed: .*no_boom.*\(COPY awkward, line \d+/);
      await query('alter table serving.awkward drop constraint no_boom');
      const retried = pond(dir, 'publish');
      assert.equal(retried.status, 0, retried.stderr);
      assert.deepEqual(await served(), lake());
      assert.equal((await served()).length, AWKWARD_STRINGS.length + 1);
    });

    it('rows failing to read mid-COPY roll the partition back, and the connection serves the next publish', async () => {
      const sink = new PostgresSink({ url: url.toString(), schema: 'serving', table: 'streamed', where: 'dataset "streamed" sink "postgres"' });
      const filler = 'x\t\\'.repeat(60);
      const payload = (versionId: string, batches: number, failAfter?: number): PartitionPayload => ({
        dataset: 'streamed',
        idx: 0,
        key: 'all',
        path: 'all',
        versionId,
        rowCount: batches * 5_000,
        columns: [
          { name: 'n', type: 'INTEGER' },
          { name: 'text', type: 'VARCHAR' },
        ],
        async *rows() {
          for (let b = 0; b < batches; b++) {
            if (b === failAfter) throw new Error('the lake file went away');
            yield Array.from({ length: 5_000 }, (_, i) => ({ n: b * 5_000 + i, text: `${versionId} ${filler}` }));
          }
        },
        copyTo: () => Promise.reject(new Error('not used')),
      });
      const count = () =>
        query<{ version: string; n: number; ok: boolean }>(
          "select _pond_version as version, count(*)::int as n, bool_and(text = _pond_version || ' ' || $1) as ok from serving.streamed group by 1",
          [filler],
        );
      try {
        await sink.publish(payload('v1', 4));
        assert.deepEqual(await count(), [{ version: 'v1', n: 20_000, ok: true }]);
        // About 1.5 MB per batch: past the socket's buffer, so COPY waits for 'drain' before the failure.
        await assert.rejects(
          sink.publish(payload('v2', 6, 3)),
          (e: unknown) => e instanceof PondError && /publishing partition all to .* failed: the lake file went away/.test(e.message),
        );
        assert.deepEqual(await count(), [{ version: 'v1', n: 20_000, ok: true }]);
        await sink.publish(payload('v3', 2));
        assert.deepEqual(await count(), [{ version: 'v3', n: 10_000, ok: true }]);
      } finally {
        await sink.close();
      }
    });

    it('removing an expired partition deletes exactly its rows; again, or from a table never created, it succeeds', async () => {
      const where = 'dataset "expiring" sink "postgres"';
      const sink = new PostgresSink({ url: url.toString(), schema: 'serving', table: 'expiring', where });
      const day = (d: number): PartitionPayload => ({
        dataset: 'expiring',
        idx: 20_000 + d,
        key: `2026-11-${20 + d}T00:00Z/P1D`,
        path: `date=2026-11-${20 + d}`,
        versionId: `v${d}`,
        rowCount: 2,
        columns: [{ name: 'n', type: 'INTEGER' }],
        async *rows() {
          yield [{ n: d }, { n: d + 10 }];
        },
        copyTo: () => Promise.reject(new Error('not used')),
      });
      const partitions = () => query<{ p: string; n: number }>('select _pond_partition as p, count(*)::int as n from serving.expiring group by 1 order by 1');
      const unreachable = new URL(url.toString());
      unreachable.port = '1';
      const closed = new PostgresSink({ url: unreachable.toString(), schema: 'serving', table: 'expiring', where });
      const missing = new PostgresSink({ url: url.toString(), schema: 'nowhere', table: 'never', where });
      try {
        for (const d of [0, 1, 2]) await sink.publish(day(d));
        await sink.remove(day(0));
        assert.deepEqual(await partitions(), [
          { p: '2026-11-21T00:00Z/P1D', n: 2 },
          { p: '2026-11-22T00:00Z/P1D', n: 2 },
        ]);
        await sink.remove(day(0));
        await missing.remove(day(0));
        assert.deepEqual(await query("select 1 from information_schema.schemata where schema_name = 'nowhere'"), [], 'nothing is created to remove from');
        await assert.rejects(
          closed.remove(day(1)),
          (e: unknown) => e instanceof PondError && e.code === 'STORAGE_UNAVAILABLE' && /cannot connect to PostgreSQL/.test(e.message) && e.where === where,
        );
        assert.equal((await partitions()).length, 2);
      } finally {
        await Promise.all([sink.close(), closed.close(), missing.close()]);
      }
    });
  });
}
