/**
 * What the web UI reads from the data API, against a running platform on a
 * temporary project: the partition timeline, dataset health and freshness,
 * version reasons, schema history, run filters, retry and cancel, sinks and
 * per-stream landing latency. Retried tasks are built by the executor as
 * `pond up` runs it; a build that ignores every signal is cancelled within
 * seconds through the API.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openContext, type Context } from '../src/cli/context.ts';
import { Executor } from '../src/orchestrate/index.ts';
import type {
  Bucket,
  DatasetDetail,
  DatasetList,
  ErrorAnswer,
  RetryAnswer,
  Run,
  RunDetail,
  RunList,
  SchemaHistory,
  Sink,
  SinkList,
  Stream,
  StreamList,
  Timeline,
} from '../src/serve/api/index.ts';
import { startPlatform, type Platform } from '../src/serve/index.ts';
import { EVENTS, WRITE_KEY, apiProject } from './helpers/api-project.ts';
import { EVENTS_SCHEMA, makeProject, ndjson, pondJson } from './helpers/project.ts';

const TOKEN = 'api-ui-test-token-0123456789';

const sum = (buckets: readonly Bucket[], field: keyof Bucket) => buckets.reduce((n, b) => n + (b[field] as number), 0);

describe('the data API for the web UI', () => {
  let ctx: Context;
  let platform: Platform;
  let url: string;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const getJson = async <T = Record<string, unknown>>(route: string) => {
    const r = await fetch(`${url}${route}`, { headers: auth });
    return { status: r.status, body: (await r.json()) as T };
  };
  const post = async <T = Record<string, unknown>>(route: string) => {
    const r = await fetch(`${url}${route}`, { method: 'POST', headers: auth });
    return { status: r.status, body: (await r.json()) as T };
  };

  before(async () => {
    delete process.env.POND_API_TOKEN;
    ctx = await openContext({ project: apiProject('127.0.0.1', `{ tokens: ['${TOKEN}'] }`) });
    platform = await startPlatform({ ctx, port: 0 });
    url = platform.url;
    const sent = await fetch(`${url}/v1/streams/events/events`, {
      method: 'POST',
      body: JSON.stringify(EVENTS),
      headers: { 'content-type': 'application/json', 'x-pond-write-key': WRITE_KEY },
    });
    assert.equal(sent.status, 200);
    while ((await ctx.state.getStreamActivity('events'))?.events !== EVENTS.length) await new Promise((resolve) => setTimeout(resolve, 50));
    const summary = await new Executor(ctx).build({ retryFailed: false });
    assert.ok(summary.succeeded >= 2, `built ${summary.succeeded} partitions`);
  });
  after(async () => {
    await platform.close();
    await ctx.close();
  });

  it('cuts the partition timeline of a dataset into buckets of counts by state', async () => {
    const all = await getJson<Timeline>('/api/datasets/hourly/partitions');
    assert.equal(all.status, 200);
    const t = all.body;
    assert.equal(t.grain, 'hour');
    assert.equal(t.first, '2026-01-01T10:00Z/PT1H');
    assert.equal(t.from, t.first);
    assert.equal(t.to, t.last);
    assert.equal(t.fromTime, '2026-01-01T10:00:00.000Z');
    assert.ok(t.buckets.length <= 200 && t.buckets.length >= 1);
    assert.equal(sum(t.buckets, 'partitions'), t.count);
    assert.equal(sum(t.buckets, 'fresh') + sum(t.buckets, 'stale') + sum(t.buckets, 'missing') + sum(t.buckets, 'failed'), t.count);
    assert.equal(t.buckets[0]?.from, t.first);
    assert.equal(t.buckets.at(-1)?.to, t.last);
    assert.equal(t.buckets.at(-1)?.toTime, t.toTime);

    const two = (await getJson<Timeline>('/api/datasets/hourly/partitions?buckets=2')).body;
    assert.equal(two.partitionsPerBucket, Math.ceil(t.count / 2));
    assert.equal(two.buckets.length, t.count > 1 ? 2 : 1);

    // A window by keys, and the same by ISO times (`to` exclusive).
    // The stream's watermark (12:29) completes the windows of 10:00 and 11:00 only.
    assert.deepEqual([t.count, t.first, t.last], [2, '2026-01-01T10:00Z/PT1H', '2026-01-01T11:00Z/PT1H']);
    const byKey = (await getJson<Timeline>('/api/datasets/hourly/partitions?from=2026-01-01T10:00Z/PT1H&to=2026-01-01T11:00Z/PT1H')).body;
    assert.deepEqual([byKey.from, byKey.to, byKey.partitionsPerBucket, byKey.count], ['2026-01-01T10:00Z/PT1H', '2026-01-01T11:00Z/PT1H', 1, 2]);
    assert.deepEqual(
      byKey.buckets.map((b) => [b.from, b.to, b.fromTime, b.toTime, b.partitions, b.fresh]),
      [
        ['2026-01-01T10:00Z/PT1H', '2026-01-01T10:00Z/PT1H', '2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z', 1, 1],
        ['2026-01-01T11:00Z/PT1H', '2026-01-01T11:00Z/PT1H', '2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z', 1, 1],
      ],
    );
    // ISO times: `to` is exclusive; a window past the span is cut to it.
    const byTime = (await getJson<Timeline>('/api/datasets/hourly/partitions?from=2026-01-01T10:30:00Z&to=2026-01-01T11:00:00Z')).body;
    assert.deepEqual([byTime.from, byTime.to, byTime.buckets.length], ['2026-01-01T10:00Z/PT1H', '2026-01-01T10:00Z/PT1H', 1]);
    const wide = (await getJson<Timeline>('/api/datasets/hourly/partitions?from=2025-01-01T00:00Z&to=2027-01-01T00:00Z&buckets=1')).body;
    assert.deepEqual([wide.from, wide.to, wide.partitionsPerBucket, wide.buckets.length], [t.first, t.last, 2, 1]);
    // Before the span: nothing to show, the span still told.
    const before = (await getJson<Timeline>('/api/datasets/hourly/partitions?to=2025-06-01T00:00Z')).body;
    assert.deepEqual([before.from, before.buckets.length, before.count], [null, 0, t.count]);

    assert.equal((await getJson('/api/datasets/hourly/partitions?buckets=0')).status, 400);
    assert.equal((await getJson('/api/datasets/hourly/partitions?buckets=2001')).status, 400);
    const bad = await getJson<ErrorAnswer>('/api/datasets/hourly/partitions?from=yesterday');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /neither a partition key of hourly nor an ISO time/);
    assert.equal((await getJson('/api/datasets/hourly/partitions?from=2026-01-02T00:00Z&to=2026-01-01T00:00Z')).status, 400);
    assert.equal((await getJson('/api/datasets/nope/partitions')).status, 404);
  });

  it('gives streams a timeline too', async () => {
    const events = (await getJson<Timeline>('/api/datasets/events/partitions')).body;
    assert.deepEqual([events.count, events.first, events.last], [3, '2026-01-01T10:00Z/PT1H', '2026-01-01T12:00Z/PT1H']);
    assert.deepEqual(
      events.buckets.map((b) => [b.partitions, b.fresh, b.missing, b.failed]),
      [
        [1, 1, 0, 0],
        [1, 1, 0, 0],
        [1, 1, 0, 0],
      ],
    );
    const few = (await getJson<Timeline>('/api/datasets/events/partitions?buckets=2')).body;
    assert.deepEqual(
      few.buckets.map((b) => [b.from, b.to, b.partitions, b.fresh]),
      [
        ['2026-01-01T10:00Z/PT1H', '2026-01-01T11:00Z/PT1H', 2, 2],
        ['2026-01-01T12:00Z/PT1H', '2026-01-01T12:00Z/PT1H', 1, 1],
      ],
    );
  });

  it('lists datasets with inputs, sinks, health and freshness', async () => {
    const { body } = await getJson<DatasetList>('/api/datasets');
    const hourly = body.datasets.find((d) => d.name === 'hourly');
    const totals = body.datasets.find((d) => d.name === 'totals');
    assert.ok(hourly && totals);
    assert.deepEqual(hourly.inputs, ['events']);
    assert.deepEqual(hourly.sinks, [{ name: 'sqlite', kind: 'sqlite' }]);
    assert.deepEqual(totals.inputs, ['hourly']);
    // An hour may turn during the test: its new window is then missing.
    assert.ok(['ok', 'stale'].includes(hourly.health), hourly.health);
    assert.equal(hourly.freshness.expectedLagMs, 3_600_000 + 60_000 + 300_000);
    assert.ok(hourly.freshness.latest !== null && hourly.freshness.latestEnd !== null && hourly.freshness.lagMs !== null);
    assert.equal(Date.parse(hourly.freshness.latestEnd), Date.parse(hourly.freshness.latest.split('/')[0] ?? '') + 3_600_000);
    // Its newest partition ended in January: far behind the wall clock.
    assert.equal(hourly.freshness.latest, '2026-01-01T11:00Z/PT1H');
    assert.equal(hourly.freshness.onTime, false);
    // Through hourly, totals waits for the lateness of events too.
    assert.equal(totals.freshness.expectedLagMs, 3_600_000 + 60_000 + 300_000);
  });

  it('tells why each version was made, and the schema history', async () => {
    const hourly = (await getJson<DatasetDetail>('/api/datasets/hourly')).body;
    assert.ok(hourly.versions.length > 0);
    for (const v of hourly.versions) assert.ok(v.runId !== null && typeof v.reason === 'string' && v.reason.length > 0, JSON.stringify(v));
    const run = (await getJson<RunDetail>(`/api/runs/${hourly.versions[0]?.runId}`)).body.run;
    assert.equal(hourly.versions[0]?.reason, run.reason);
    const events = (await getJson<DatasetDetail>('/api/datasets/events')).body;
    assert.ok(events.versions.length > 0 && events.versions.every((v) => v.reason === 'landed'));

    const history = await getJson<SchemaHistory>('/api/datasets/hourly/schema-history');
    assert.equal(history.status, 200);
    assert.equal(history.body.schemas.length, 1);
    const [only] = history.body.schemas;
    assert.deepEqual(
      only?.columns.map((c) => c.name),
      ['user_id', 'n', 'amount'],
    );
    assert.equal(only?.changes.added.length, 3);
    assert.deepEqual([only?.changes.removed, only?.changes.retyped], [[], []]);
    assert.ok((only?.versions ?? 0) >= 2);
    assert.equal((await getJson('/api/datasets/nope/schema-history')).status, 404);
  });

  it('lists every sink with what it published', async () => {
    const { body } = await getJson<SinkList>('/api/sinks');
    assert.equal(body.sinks.length, 1);
    const s = body.sinks[0] as Sink;
    assert.deepEqual([s.dataset, s.sink, s.kind, s.failing, s.lastError, s.nextAttemptAt], ['hourly', 'sqlite', 'sqlite', 0, null, null]);
    assert.equal(s.partitions, s.published);
    assert.ok(s.published >= 2);
    assert.equal(typeof s.lastPublishedAt, 'string');
  });

  it('gives each stream its landing latency', async () => {
    const one = (await getJson<Stream>('/api/streams/events')).body;
    assert.ok(one.landing.batches >= 1);
    assert.ok(one.landing.lastLagMs !== null && one.landing.lastLagMs >= 0 && one.landing.lastLagMs < 60_000);
    assert.ok(one.landing.p50LagMs !== null && one.landing.p95LagMs !== null && one.landing.p50LagMs <= one.landing.p95LagMs);
    const all = (await getJson<StreamList>('/api/streams')).body;
    assert.deepEqual(all.streams.find((s) => s.name === 'events')?.landing, one.landing);
  });

  it('filters runs by partition and cause, and retries a failed partition', async () => {
    const key = '2026-01-01T11:00Z/PT1H';
    const runs = (await getJson<RunList>(`/api/runs?dataset=hourly&partition=${key}`)).body.runs;
    assert.ok(runs.length >= 1 && runs.every((r) => r.key === key && r.dataset === 'hourly'));
    const missing = (await getJson<RunList>('/api/runs?dataset=hourly&cause=missing')).body.runs;
    assert.ok(missing.length >= 2 && missing.every((r) => r.cause === 'missing'));
    assert.equal((await getJson(`/api/runs?partition=${key}`)).status, 400);
    assert.equal((await getJson('/api/runs?dataset=hourly&partition=tomorrow')).status, 400);
    assert.equal((await getJson('/api/runs?cause=whim')).status, 400);

    // The partition fails (as after a build that gave up): `pond up` does not retry it by itself.
    const idx = Date.parse('2026-01-01T11:00:00Z') / 3_600_000;
    await ctx.state.markFailed('hourly', idx, key, 'boom');
    const timeline = (await getJson<Timeline>(`/api/datasets/hourly/partitions?from=${key}&to=${key}`)).body;
    assert.deepEqual(
      timeline.buckets.map((b) => b.failed),
      [1],
    );
    const health = (await getJson<DatasetList>('/api/datasets')).body.datasets.find((d) => d.name === 'hourly')?.health;
    assert.equal(health, 'failed');

    // A succeeded run is not retried: there is nothing to retry (a backfill builds a partition again).
    const succeeded = runs.find((r) => r.status === 'succeeded') as Run;
    const refused = await post<ErrorAnswer>(`/api/runs/${succeeded.id}/retry`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error, /succeeded: there is nothing to retry/);
    assert.match(refused.body.hint ?? '', /backfill/);

    const source = await failedRun(ctx, 'hourly', idx, key);
    const retried = await post<RetryAnswer>(`/api/runs/${source.id}/retry`);
    assert.equal(retried.status, 202);
    assert.deepEqual({ ...retried.body.task, id: undefined }, { id: undefined, dataset: 'hourly', key, cause: 'retry', reason: `retry of run ${source.id}` });
    // The retry is planned for the code loaded now: after a fix, it builds with the fix.
    const [task] = await ctx.state.listTasks({ dataset: 'hourly', idx, states: ['queued'] });
    assert.equal(task?.codeFingerprint, ctx.project.datasets.get('hourly')?.codeFingerprint);
    const again = await post<ErrorAnswer>(`/api/runs/${source.id}/retry`);
    assert.equal(again.status, 409);
    assert.match(again.body.error, /already has a queued task/);
    assert.equal((await post('/api/runs/no-such-run/retry')).status, 404);

    // As `pond up` builds: failed partitions are not re-planned, but the queued retry is leased and built.
    const summary = await new Executor(ctx).build({ retryFailed: false });
    assert.ok(summary.succeeded >= 1, `built ${summary.succeeded}`);
    assert.equal((await ctx.state.getPartition('hourly', idx))?.status, 'ok');
    const retries = (await getJson<RunList>(`/api/runs?dataset=hourly&partition=${key}&cause=retry`)).body.runs;
    assert.deepEqual(
      retries.map((r) => [r.status, r.reason]),
      [['succeeded', `retry of run ${source.id}`]],
    );
    // A finished run is not cancelled; nor is an unknown one.
    assert.equal((await post(`/api/runs/${source.id}/cancel`)).status, 409);
    assert.equal((await post('/api/runs/no-such-run/cancel')).status, 404);
  });

  it('cancels a queued task by its id', async () => {
    const [built] = (await getJson<RunList>('/api/runs?dataset=hourly&status=succeeded&limit=1')).body.runs;
    assert.ok(built);
    const run = await failedRun(ctx, 'hourly', built.idx, built.key);
    const { body } = await post<RetryAnswer>(`/api/runs/${run.id}/retry`);
    assert.deepEqual((await post(`/api/runs/${body.task.id}/cancel`)).body, { cancelled: true });
    assert.equal((await ctx.state.taskStates([body.task.id])).get(body.task.id), 'cancelled');
    assert.equal((await post(`/api/runs/${body.task.id}/cancel`)).status, 409);
  });
});

describe('cancelling through the data API', () => {
  it('stops a build that ignores every signal; its run ends cancelled', { timeout: 60_000 }, async () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/p.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const slow = dataset({
  name: 'slow',
  inputs: { events },
  columns: { n: 'BIGINT' },
  async *transform() {
    // Honours nothing and never ends: only the cancel can stop its build (else the test times out).
    await new Promise(() => {});
    yield { n: 1 };
  },
});
`,
      'e.ndjson': ndjson([{ user_id: 'a', time_utc: '2026-11-20T10:00:00Z', amount: 1 }]),
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    writeFileSync(
      path.join(dir, 'pond.config.ts'),
      "import { defineConfig } from 'pond';\nexport default defineConfig({ concurrency: 1, collect: { host: '127.0.0.1' } });\n",
    );
    const ctx = await openContext({ project: dir });
    const platform = await startPlatform({ ctx, port: 0 });
    try {
      const build = new Executor(ctx).build({ to: Date.parse('2026-11-20T11:00:00Z') });
      let running: Run | undefined;
      while (!running) {
        const r = await fetch(`${platform.url}/api/runs?dataset=slow&status=running`);
        running = ((await r.json()) as RunList).runs[0];
        if (!running) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal((await fetch(`${platform.url}/api/runs/${running.id}/retry`, { method: 'POST' })).status, 409);
      const cancelled = await fetch(`${platform.url}/api/runs/${running.id}/cancel`, { method: 'POST' });
      assert.equal(cancelled.status, 202);
      assert.deepEqual(await cancelled.json(), { cancelled: true });
      // The transform never ends and its lease is renewed: the build ends only because the cancel abandoned it.
      const summary = await build;
      assert.equal(summary.succeeded, 0);
      const after = (await (await fetch(`${platform.url}/api/runs/${running.id}`)).json()) as RunDetail;
      assert.equal(after.run.status, 'cancelled');
      assert.equal((await fetch(`${platform.url}/api/runs/${running.id}/cancel`, { method: 'POST' })).status, 409);
    } finally {
      await platform.close();
      await ctx.close();
    }
  });
});

/** A failed run of a partition, as a build that gave up records it. */
async function failedRun(ctx: Context, dataset: string, idx: number, key: string): Promise<Run> {
  const id = randomUUID();
  const startedAt = Date.now();
  await ctx.state.startRun({ id, taskId: null, dataset, idx, key, cause: 'missing', reason: 'missing', attempt: 1, worker: 'test', startedAt });
  await ctx.state.finishRun(id, { status: 'failed', error: 'boom', retryable: false, finishedAt: startedAt + 1 });
  return { id } as Run;
}
