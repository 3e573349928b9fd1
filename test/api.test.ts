/**
 * The data API and /metrics against a running platform (buffer, lander, HTTP
 * server) on a temporary project with tokens: events sent through the
 * collector, landed, built in process, then read back through every
 * endpoint. CSV and Parquet answers are read back with DuckDB; /metrics is
 * read with a Prometheus text-format parser. Then the exposure rule: no
 * tokens is allowed on loopback only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { LocalLog } from '../src/buffer/index.ts';
import { openContext, type Context } from '../src/cli/context.ts';
import { loadProject } from '../src/config/index.ts';
import { Executor } from '../src/orchestrate/index.ts';
import { createServer, startPlatform, type Platform } from '../src/serve/index.ts';
import { OPENAPI_DOCUMENT, apiRoutes, assertApiExposure, isLoopback, type DatasetDetail } from '../src/serve/api/index.ts';
import { openEngine } from '../src/compute/index.ts';
import { EVENTS, WRITE_KEY, apiProject } from './helpers/api-project.ts';
import { POND, pondJson } from './helpers/project.ts';

const TOKEN = 'api-test-token-0123456789';

describe('the data API', () => {
  let ctx: Context;
  let platform: Platform;
  let url: string;
  const reader = openEngine();
  const out = mkdtempSync(path.join(tmpdir(), 'pond-api-answers-'));

  const auth = { authorization: `Bearer ${TOKEN}` };
  const get = (route: string, headers: Record<string, string> = auth) => fetch(`${url}${route}`, { headers });
  const getJson = async <T = Record<string, unknown>>(route: string) => {
    const r = await get(route);
    return { status: r.status, body: (await r.json()) as T };
  };
  const query = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/query`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...auth, ...headers },
    });
  /** Saves a response body and reads it back with DuckDB (read_csv or read_parquet). */
  const readBack = async (response: Response, format: 'csv' | 'parquet', orderBy: string) => {
    const file = path.join(out, `${Math.random().toString(36).slice(2)}.${format}`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const session = await (await reader).connect();
    try {
      return await session.rows(`select * from read_${format}('${file}') order by ${orderBy}`);
    } finally {
      session.close();
    }
  };

  before(async () => {
    delete process.env.POND_API_TOKEN;
    ctx = await openContext({ project: apiProject('127.0.0.1', `{ tokens: ['${TOKEN}'], queryTimeout: '2s', defaultRows: 1000 }`) });
    platform = await startPlatform({ ctx, port: 0 });
    url = platform.url;
    const send = (body: string) =>
      fetch(`${url}/v1/streams/events/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-pond-write-key': WRITE_KEY } });
    assert.equal((await send(JSON.stringify(EVENTS))).status, 200);
    // One that fails its schema: a dead letter.
    assert.equal((await send(JSON.stringify([{ user_id: 'dee', time_utc: '2026-01-01T10:50:00Z', amount: 'lots' }]))).status, 200);
    let landed = false;
    while (!landed) {
      const activity = await ctx.state.getStreamActivity('events');
      landed = activity !== undefined && activity.events === EVENTS.length && activity.deadLetters === 1;
      if (!landed) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const summary = await new Executor(ctx).build({ retryFailed: false, onEvent: (event) => platform.metrics.observeBuild(event) });
    assert.ok(summary.succeeded >= 3, `built ${summary.succeeded} partitions`);
  });
  after(async () => {
    await platform.close();
    await ctx.close();
    (await reader).close();
  });

  it('refuses requests without a valid bearer token, with a reason', async () => {
    const none = await get('/api/datasets', {});
    assert.equal(none.status, 401);
    assert.match(((await none.json()) as { error: string }).error, /Authorization: Bearer/);
    assert.equal((await get('/api/datasets', { authorization: 'Bearer not-the-token-at-all-000' })).status, 401);
    assert.equal((await get('/api/datasets', { authorization: `Basic ${TOKEN}` })).status, 401);
    assert.equal((await get('/metrics', {})).status, 401);
    const posted = await fetch(`${url}/api/query`, { method: 'POST', body: '{"sql":"select 1"}', headers: { 'content-type': 'application/json' } });
    assert.equal(posted.status, 401);
    assert.equal((await get('/api/datasets')).status, 200);
    // The description of the API and the health checks stay open.
    assert.equal((await get('/api/openapi.json', {})).status, 200);
    assert.equal((await get('/healthz', {})).status, 200);
  });

  it('answers SQL over the lake as JSON: columns with types, rows, truncated', async () => {
    const r = await query({ sql: 'select user_id, sum(amount) as amount, count(*) as n from events group by user_id order by user_id' });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { columns: Array<{ name: string; type: string }>; rows: Array<Record<string, unknown>>; truncated: boolean };
    assert.deepEqual(
      body.columns.map((c) => c.name),
      ['user_id', 'amount', 'n'],
    );
    assert.equal(body.columns[2]?.type, 'BIGINT');
    assert.deepEqual(body.rows, [
      { user_id: 'ann', amount: 15, n: 2 },
      { user_id: 'bob', amount: 8.5, n: 2 },
      { user_id: 'cy, "the third"', amount: 2, n: 1 },
    ]);
    assert.equal(body.truncated, false);
    const limited = (await (await query({ sql: 'select * from events order by time_utc', limit: 2 })).json()) as { rows: unknown[]; truncated: boolean };
    assert.equal(limited.rows.length, 2);
    assert.equal(limited.truncated, true);
    // Datasets and dead letters are views too; the SQL may come as a plain-text body.
    const plain = await query('select sum(n) as n, sum(amount) as amount from totals', { 'content-type': 'text/plain' });
    assert.deepEqual(((await plain.json()) as { rows: unknown[] }).rows, [{ n: 4, amount: 23.5 }]);
    const dead = (await (await query({ sql: "select reason from dead_letters where stream = 'events'" })).json()) as { rows: Array<{ reason: string }> };
    assert.equal(dead.rows.length, 1);
    assert.match(dead.rows[0]?.reason ?? '', /amount/);
    const described = (await (await query({ sql: 'describe hourly' })).json()) as { rows: Array<{ column_name: string }> };
    assert.deepEqual(
      described.rows.map((x) => x.column_name),
      ['user_id', 'n', 'amount'],
    );
    const explained = await query({ sql: 'explain select * from events' });
    assert.equal(explained.status, 200);
  });

  it('gives every DuckDB type a plain JSON value', async () => {
    const sql = `select date '2026-01-02' as d, time '10:11:12' as t, timestamptz '2026-01-02 03:04:05+00' as tz, 42::bigint as n,
      12345678901234567890::hugeint as huge, 1.5::decimal(10, 2) as dec, 'ab'::blob as b, [1, 2] as l, {'k': 'v'} as s, null as nothing`;
    const body = (await (await query({ sql })).json()) as { rows: unknown[] };
    assert.deepEqual(body.rows, [
      {
        d: '2026-01-02',
        t: '10:11:12',
        tz: '2026-01-02T03:04:05.000Z',
        n: 42,
        huge: '12345678901234567890',
        dec: 1.5,
        b: 'YWI=',
        l: [1, 2],
        s: { k: 'v' },
        nothing: null,
      },
    ]);
  });

  it('answers CSV and Parquet that DuckDB reads back, chosen by format or the Accept header', async () => {
    const sql = 'select user_id, amount, time_utc from events order by time_utc';
    const expected = EVENTS.map((e) => ({ user_id: e.user_id, amount: e.amount, time_utc: new Date(e.time_utc).getTime() }));
    const norm = (rows: Array<Record<string, unknown>>) =>
      rows.map((x) => ({ user_id: x.user_id, amount: x.amount, time_utc: new Date(x.time_utc as string | Date).getTime() }));

    const csv = await query({ sql, format: 'csv' });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.deepEqual(norm(await readBack(csv, 'csv', 'time_utc')), expected);

    const parquet = await query({ sql }, { accept: 'application/vnd.apache.parquet' });
    assert.equal(parquet.status, 200);
    assert.equal(parquet.headers.get('content-type'), 'application/vnd.apache.parquet');
    assert.equal(parquet.headers.get('pond-truncated'), 'false');
    assert.deepEqual(norm(await readBack(parquet, 'parquet', 'time_utc')), expected);

    const cut = await query({ sql, format: 'parquet', limit: 3 });
    assert.equal(cut.headers.get('pond-truncated'), 'true');
    assert.equal((await readBack(cut, 'parquet', 'time_utc')).length, 3);
  });

  it('refuses bad SQL, forbidden statements and file-reading functions with 400 and a reason', async () => {
    const refused = async (body: unknown, pattern: RegExp, status = 400) => {
      const r = await query(body);
      const answer = (await r.json()) as { error: string };
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${answer.error}`);
      assert.match(answer.error, pattern, JSON.stringify(body));
    };
    await refused({ sql: 'selec 1' }, /syntax error/i);
    await refused({ sql: 'select * from nope' }, /nope/);
    await refused({ sql: 'select 1; select 2' }, /2 statements/);
    await refused({ sql: 'create table t (a int)' }, /CREATE statements are not allowed/);
    await refused({ sql: "insert into events (user_id) values ('x')" }, /not allowed|insert|events/i);
    await refused({ sql: 'set threads = 1' }, /SET statements are not allowed/);
    await refused({ sql: 'set enable_external_access = true' }, /not allowed/);
    await refused({ sql: 'pragma threads = 1' }, /not allowed/);
    await refused({ sql: 'install httpfs' }, /not allowed/);
    await refused({ sql: 'load httpfs' }, /not allowed/);
    await refused({ sql: "attach '/tmp/other.db'" }, /not allowed/);
    await refused({ sql: "copy events to '/tmp/pond-api-leak.csv'" }, /not allowed/);
    await refused({ sql: "select * from read_csv('/etc/passwd')" }, /files is not allowed/);
    await refused({ sql: "select * from read_text('/etc/hostname')" }, /files is not allowed/);
    await refused({ sql: "select * from glob('/etc/*')" }, /files is not allowed/);
    await refused({ sql: 'select 1', format: 'xml' }, /format "xml"/);
    await refused({ sql: 'select 1', limit: 0 }, /limit 0/);
    await refused({ sql: 'explain select 1', format: 'csv' }, /EXPLAIN answers only JSON/);
    await refused({}, /"sql"/);
    await refused('{not json', /JSON|json/);
  });

  it('stops a query past the timeout with 408', async () => {
    const r = await query({ sql: 'select sum(a.range * b.range) from range(1000000) a, range(1000000) b' });
    assert.equal(r.status, 408);
    assert.match(((await r.json()) as { error: string }).error, /longer than 2 s/);
    // The connection is usable again.
    assert.equal((await query({ sql: 'select 1 as one' })).status, 200);
  });

  it('lists datasets and shows one with schema, partitions as ranges, versions, checks and lineage', async () => {
    const list = await getJson<{ datasets: Array<{ name: string; partitions: { count: number; fresh: number } }> }>('/api/datasets');
    assert.deepEqual(
      list.body.datasets.map((d) => d.name),
      ['hourly', 'totals'],
    );
    const hourly = await getJson<DatasetDetail>('/api/datasets/hourly');
    assert.equal(hourly.status, 200);
    assert.equal(hourly.body.description, 'Sales per user and hour.');
    assert.deepEqual(
      hourly.body.schema.map((c) => c.name),
      ['user_id', 'n', 'amount'],
    );
    assert.ok(hourly.body.partitions.ranges.length >= 1);
    assert.equal(hourly.body.partitions.ranges[0]?.from, '2026-01-01T10:00Z/PT1H');
    assert.equal(hourly.body.partitions.ranges[0]?.state, 'fresh');
    assert.ok(hourly.body.versions.length >= 2);
    assert.deepEqual(
      hourly.body.checks.declared.map((c) => c.kind),
      ['not_null'],
    );
    assert.ok(hourly.body.checks.recent.length >= 2);
    assert.deepEqual(
      hourly.body.lineage.inputs.map((i) => i.source),
      ['events'],
    );
    assert.deepEqual(hourly.body.lineage.dependants, ['totals']);
    assert.deepEqual(hourly.body.lineage.sinks, [{ name: 'sqlite', kind: 'sqlite' }]);
    const events = await getJson<DatasetDetail>('/api/datasets/events');
    assert.equal(events.body.kind, 'stream');
    assert.equal(events.body.partitions.count, 3);
    const unknown = await getJson<{ error: string }>('/api/datasets/nope');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /no stream or dataset named "nope"/);
  });

  it('answers the rows of one partition as JSON, CSV and Parquet', async () => {
    const json = await getJson<{ rows: unknown[] }>('/api/datasets/hourly/rows?partition=2026-01-01T10:00Z/PT1H');
    assert.deepEqual(json.body.rows, [
      { user_id: 'ann', n: 2, amount: 15 },
      { user_id: 'bob', n: 1, amount: 7.5 },
    ]);
    const csv = await get('/api/datasets/hourly/rows?partition=2026-01-01T10:00Z/PT1H&format=csv');
    assert.match(csv.headers.get('content-disposition') ?? '', /hourly-2026-01-01T10_00Z_PT1H\.csv/);
    assert.deepEqual(await readBack(csv, 'csv', 'user_id'), json.body.rows);
    const parquet = await get('/api/datasets/hourly/rows?partition=2026-01-01T10:00Z/PT1H', { ...auth, accept: 'application/vnd.apache.parquet' });
    assert.deepEqual(await readBack(parquet, 'parquet', 'user_id'), json.body.rows);
    const totals = await getJson<{ rows: unknown[] }>('/api/datasets/totals/rows?partition=2026-01-01T11:00Z/PT1H');
    assert.deepEqual(totals.body.rows, [{ n: 1, amount: 1 }]);
    const raw = await getJson<{ rows: Array<{ user_id: string }> }>('/api/datasets/events/rows?partition=2026-01-01T11:00Z/PT1H');
    assert.deepEqual(
      raw.body.rows.map((x) => x.user_id),
      ['bob'],
    );
    const everything = await getJson<{ rows: unknown[]; truncated: boolean }>('/api/datasets/events/rows?limit=4');
    assert.equal(everything.body.rows.length, 4);
    assert.equal(everything.body.truncated, true);

    assert.equal((await get('/api/datasets/hourly/rows?partition=yesterday')).status, 400);
    assert.equal((await get('/api/datasets/hourly/rows?partition=2026-01-02T10:00Z/PT1H')).status, 404);
    assert.equal((await get('/api/datasets/nope/rows')).status, 404);
    assert.equal((await get('/api/datasets/hourly/rows?format=xlsx')).status, 400);
  });

  it('lists runs and shows one with its log', async () => {
    const runs = await getJson<{ runs: Array<{ id: string; dataset: string; status: string }> }>('/api/runs?dataset=hourly');
    assert.ok(runs.body.runs.length >= 2);
    assert.ok(runs.body.runs.every((r) => r.dataset === 'hourly' && r.status === 'succeeded'));
    const one = await getJson<{ run: { id: string }; logs: Array<{ message: string }> }>(`/api/runs/${runs.body.runs[0]?.id}`);
    assert.equal(one.body.run.id, runs.body.runs[0]?.id);
    assert.ok(one.body.logs.some((l) => /committing version/.test(l.message)));
    assert.equal((await get('/api/runs/no-such-run')).status, 404);
    assert.equal((await get('/api/runs?status=sleeping')).status, 400);
    assert.equal((await get('/api/runs?dataset=nope')).status, 404);
  });

  it('lists check results and the schema registry', async () => {
    const checks = await getJson<{ checks: Array<{ dataset: string; status: string; key: string }> }>(
      '/api/checks?dataset=hourly&partition=2026-01-01T10:00Z/PT1H',
    );
    assert.deepEqual(
      checks.body.checks.map((c) => [c.dataset, c.key, c.status]),
      [['hourly', '2026-01-01T10:00Z/PT1H', 'pass']],
    );
    assert.equal((await get('/api/checks?dataset=hourly&partition=bad')).status, 400);
    const schemas = await getJson<{ schemas: Array<{ stream: string; latestVersion: number }> }>('/api/schemas');
    assert.deepEqual(
      schemas.body.schemas.map((s) => [s.stream, s.latestVersion]),
      [['events', 1]],
    );
    const versions = await getJson<{ versions: Array<{ version: number; current: boolean }> }>('/api/schemas/events');
    assert.deepEqual(
      versions.body.versions.map((v) => [v.version, v.current]),
      [[1, true]],
    );
    const latest = await getJson<{ version: number; schema: { required: string[] } }>('/api/schemas/events/latest');
    assert.deepEqual(latest.body.schema.required, ['user_id', 'time_utc', 'amount']);
    assert.equal((await get('/api/schemas/events/1')).status, 200);
    assert.equal((await get('/api/schemas/events/7')).status, 404);
    assert.equal((await get('/api/schemas/events/x')).status, 400);
    assert.equal((await get('/api/schemas/nope')).status, 404);
  });

  it('shows streams with counts and rates, and their dead letters with reasons', async () => {
    const streams = await getJson<{ streams: Array<{ name: string; events: number; deadLetters: number; rates: { since: string | null } }> }>('/api/streams');
    assert.deepEqual(
      streams.body.streams.map((s) => [s.name, s.events, s.deadLetters]),
      [['events', 5, 1]],
    );
    assert.ok(streams.body.streams[0]?.rates.since);
    assert.equal((await getJson('/api/streams/events')).status, 200);
    const dead = await getJson<{ rows: Array<{ reason: string; _raw: string }> }>('/api/streams/events/dead-letters');
    assert.equal(dead.body.rows.length, 1);
    assert.match(dead.body.rows[0]?._raw ?? '', /lots/);
    const csv = await get('/api/streams/events/dead-letters?format=csv');
    assert.equal((await readBack(csv, 'csv', '_received_at')).length, 1);
    assert.equal((await get('/api/streams/nope/dead-letters')).status, 404);
  });

  it('serves Prometheus metrics that a text-format parser reads', async () => {
    const r = await get('/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await r.text());
    const family = (name: string) => {
      const f = families.find((x) => x.name === name);
      assert.ok(f, `no metric ${name}`);
      return f;
    };
    const value = (name: string, labels: Record<string, string> = {}) =>
      Number(family(name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value);
    assert.equal(value('pond_landed_events_total'), 5);
    assert.equal(value('pond_landed_dead_letters_total'), 1);
    assert.equal(value('pond_stream_events', { stream: 'events' }), 5);
    assert.equal(value('pond_stream_dead_letters', { stream: 'events' }), 1);
    assert.ok(value('pond_builds_total', { dataset: 'hourly', status: 'succeeded' }) >= 2);
    assert.equal(family('pond_build_duration_seconds').type, 'HISTOGRAM');
    assert.equal(family('pond_landing_lag_seconds').type, 'HISTOGRAM');
    assert.ok(value('pond_checks', { dataset: 'hourly', status: 'pass', severity: 'error' }) >= 2);
    assert.ok(value('pond_sink_partitions', { dataset: 'hourly', sink: 'sqlite', state: 'published' }) >= 2);
    assert.equal(value('pond_sink_partitions', { dataset: 'hourly', sink: 'sqlite', state: 'failing' }), 0);
    assert.ok(value('pond_sink_last_published_timestamp_seconds', { dataset: 'hourly', sink: 'sqlite' }) > 0);
    assert.ok(families.some((f) => f.name === 'pond_process_cpu_seconds_total'));
  });

  it('answers GET /api/privacy as pond privacy --json', async () => {
    const r = await getJson('/api/privacy');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, pondJson(ctx.project.dir, 'privacy'));
  });

  it('describes every route of the API in its OpenAPI document', async () => {
    const r = await getJson<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
    assert.equal(r.body.openapi, '3.1.0');
    // The same plugin the server registers, on an app that records each route.
    const app = Fastify();
    const routes: string[] = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    });
    await app.register(await apiRoutes({ project: ctx.project, state: ctx.state, lake: ctx.lake, metrics: platform.metrics, keyRing: ctx.keyRing }));
    await app.ready();
    await app.close();
    assert.ok(routes.length >= 14, routes.join(', '));
    const documented = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([route, methods]) => Object.keys(methods).map((m) => `${m} ${route}`));
    assert.deepEqual([...routes].sort(), [...documented].sort());
  });
});

describe('API exposure', () => {
  it('allows an open API only on loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) assert.ok(isLoopback(host), host);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'pond.example']) assert.ok(!isLoopback(host), host);
    assertApiExposure('127.0.0.1', []);
    assertApiExposure('0.0.0.0', [TOKEN]);
    assert.throws(() => assertApiExposure('0.0.0.0', []), /not loopback, and no API token is declared/);
  });

  it('refuses to start on a non-loopback address without tokens (exit 2), before listening', () => {
    const dir = apiProject('0.0.0.0', '{}');
    const env: NodeJS.ProcessEnv = { ...process.env, POND_PORT: '0' };
    delete env.POND_API_TOKEN;
    const r = spawnSync(process.execPath, [POND, '--project', dir, 'up'], { encoding: 'utf8', timeout: 60_000, env });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /not loopback, and no API token is declared/);
    assert.match(r.stderr, /POND_API_TOKEN/);
  });

  it('serves the API without tokens on loopback, and needs them when any is configured', async () => {
    delete process.env.POND_API_TOKEN;
    const open = await loadProject(apiProject('127.0.0.1', '{}'));
    const log = await LocalLog.open(path.join(open.dir, '.pond', 'buffer'), { maxBytes: 1024 ** 2, segmentBytes: 64 * 1024 });
    const ctx = await openContext({ project: open.dir });
    try {
      const app = await createServer({ project: open, log, topic: 'pond.events', api: { state: ctx.state, lake: ctx.lake } });
      assert.equal((await app.inject({ method: 'GET', url: '/api/datasets' })).statusCode, 200);
      await app.close();
      // Non-loopback with a token from the environment: createServer builds, and every request needs it.
      process.env.POND_API_TOKEN = 'env-token-0123456789abcdef';
      const exposed = await loadProject(apiProject('0.0.0.0', '{}'));
      const guarded = await createServer({ project: exposed, log, topic: 'pond.events', api: { state: ctx.state, lake: ctx.lake } });
      assert.equal((await guarded.inject({ method: 'GET', url: '/api/datasets' })).statusCode, 401);
      assert.equal(
        (await guarded.inject({ method: 'GET', url: '/api/datasets', headers: { authorization: 'Bearer env-token-0123456789abcdef' } })).statusCode,
        200,
      );
      await guarded.close();
    } finally {
      delete process.env.POND_API_TOKEN;
      await ctx.close();
      await log.close();
    }
  });

  it('names the file and field of a bad token', async () => {
    const dir = apiProject('127.0.0.1', "{ tokens: ['short'] }");
    await assert.rejects(
      loadProject(dir),
      (error: Error & { where?: string }) => /api\.tokens\[0\]/.test(error.where ?? '') && /at least 16 characters/.test(error.message),
    );
  });
});
