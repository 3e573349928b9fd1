/**
 * The data API answers what its OpenAPI document says, property by
 * property. The route handlers are typed against `src/serve/api/answers/`
 * (and the web UI reads those types), the document is written beside them
 * (`openapi-schemas.ts`): here every operation of the document is called on
 * examples/shop with three data subjects, built, with a forget request
 * carried through to its verification, and each answer — successes and
 * errors — is checked against the document with every object closed. A
 * field added, removed or retyped on one side only fails here, and so does
 * an operation that no call checks.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openContext, type Context } from '../src/cli/context.ts';
import { advanceForgetting } from '../src/lifecycle/index.ts';
import { Executor } from '../src/orchestrate/index.ts';
import type * as api from '../src/serve/api/index.ts';
import { startPlatform, type Platform } from '../src/serve/index.ts';
import { DocumentedAnswers } from './helpers/documented-answers.ts';
import { pond } from './helpers/project.ts';
import { shopWithSubjects } from './helpers/shop-subjects.ts';

describe('the data API and its OpenAPI document', { timeout: 300_000 }, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pond-api-contract-'));
  const documented = new DocumentedAnswers();
  let ctx: Context;
  let platform: Platform;

  /** Calls `method path` (its `{…}` filled from `params`), checks the answer against the document, and returns it. */
  const call = async <T = unknown>(
    method: 'GET' | 'POST',
    route: string,
    params: Record<string, string> = {},
    options: { query?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> => {
    const url = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `{${name}}`));
    const response = await fetch(`${platform.url}${url}${options.query ? `?${options.query}` : ''}`, {
      method,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    const body = (response.headers.get('content-type') ?? '').startsWith('application/json') ? (JSON.parse(text) as T) : (text as T);
    documented.check(method, route, response, body);
    return { status: response.status, body };
  };

  before(async () => {
    const dir = shopWithSubjects(root, 'shop');
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr + build.stdout);
    ctx = await openContext({ project: dir });
    platform = await startPlatform({ ctx, port: 0 });
  });

  after(async () => {
    await platform?.close();
    await ctx?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers every dataset and stream as documented', async () => {
    const { body: list } = await call<api.DatasetList>('GET', '/api/datasets');
    assert.ok(list.datasets.length > 0);
    const { body: streams } = await call<api.StreamList>('GET', '/api/streams');
    const names = [...list.datasets.map((d) => d.name), ...streams.streams.map((s) => s.name)];
    for (const name of names) {
      const { body: detail } = await call<api.DatasetDetail>('GET', '/api/datasets/{name}', { name });
      await call('GET', '/api/datasets/{name}/partitions', { name });
      await call('GET', '/api/datasets/{name}/schema-history', { name });
      const key = detail.versions.find((v) => v.state === 'committed')?.partition;
      if (key) await call('GET', '/api/datasets/{name}/rows', { name }, { query: `partition=${encodeURIComponent(key)}&limit=5` });
    }
    // Versions of one partition, a window of the timeline, and each kind of error.
    await call('GET', '/api/datasets/{name}/partitions', { name: 'purchase_items' }, { query: 'from=2026-11-24T00:00Z&to=2026-11-25T00:00Z&buckets=3' });
    await call('GET', '/api/datasets/{name}', { name: 'nope' });
    await call('GET', '/api/datasets/{name}/partitions', { name: 'purchase_items' }, { query: 'buckets=0' });
    await call('GET', '/api/datasets/{name}/schema-history', { name: 'nope' });
    await call('GET', '/api/datasets/{name}/rows', { name: 'purchase_items' }, { query: 'partition=yesterday' });
    for (const name of streams.streams.map((s) => s.name)) {
      await call('GET', '/api/streams/{name}', { name });
      await call('GET', '/api/streams/{name}/dead-letters', { name });
    }
    await call('GET', '/api/streams/{name}', { name: 'nope' });
    // A live tail with an event in it (a dead letter: it lands nowhere it could disturb the other answers), and its errors.
    const source = ctx.project.collect.sources.find((s) => s.streams.size > 0);
    const stream = source && [...source.streams][0];
    assert.ok(source && stream);
    const sent = await fetch(`${platform.url}/v1/streams/${stream}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pond-write-key': source.writeKey },
      body: '[{"not": "an event of this stream"}]',
    });
    assert.equal(sent.status, 200);
    const { body: tail } = await call<api.StreamTail>('GET', '/api/streams/{name}/tail', { name: stream });
    assert.equal(tail.events.length, 1);
    await call('GET', '/api/streams/{name}/tail', { name: stream }, { query: `after=${tail.cursor}&status=dead-letter` });
    await call('GET', '/api/streams/{name}/tail', { name: 'nope' });
    await call('GET', '/api/streams/{name}/tail', { name: stream }, { query: 'wait=300' });
  });

  it('answers queries, checks, sinks, the schema registry and privacy as documented', async () => {
    await call('POST', '/api/query', {}, { body: { sql: 'select * from purchase_items limit 3' } });
    await call('POST', '/api/query', {}, { body: { sql: 'selec 1' } });
    const checks = await call<api.CheckList>('GET', '/api/checks', {}, { query: 'limit=1000' });
    assert.ok(checks.body.checks.length > 0);
    await call('GET', '/api/checks', {}, { query: 'failed=maybe' });
    const sinks = await call<api.SinkList>('GET', '/api/sinks');
    assert.ok(sinks.body.sinks.length > 0);
    const { body: schemas } = await call<api.SchemaList>('GET', '/api/schemas');
    for (const { stream } of schemas.schemas) {
      await call('GET', '/api/schemas/{stream}', { stream });
      await call('GET', '/api/schemas/{stream}/{version}', { stream, version: 'latest' });
    }
    await call('GET', '/api/schemas/{stream}/{version}', { stream: 'users', version: 'x' });
    const privacy = await call<api.PrivacyReport>('GET', '/api/privacy');
    assert.ok(privacy.body.personalData.length > 0);
    const project = await call<api.ProjectStatus>('GET', '/api/project');
    assert.equal(project.body.error, null);
    await call('GET', '/api/openapi.json');
    await call('GET', '/metrics');
  });

  it('answers runs, retries and cancels as documented', async () => {
    const { body } = await call<api.RunList>('GET', '/api/runs', {}, { query: 'status=succeeded&limit=1000' });
    const [run] = body.runs;
    assert.ok(run);
    await call('GET', '/api/runs/{id}', { id: run.id });
    await call('GET', '/api/runs/{id}', { id: 'no-such-run' });
    await call('GET', '/api/runs', {}, { query: 'status=sleeping' });
    // A succeeded run is not retried; a failed one is.
    assert.equal((await call('POST', '/api/runs/{id}/retry', { id: run.id })).status, 409);
    const failedId = randomUUID();
    const { dataset, idx, key, cause, reason } = run;
    await ctx.state.startRun({ id: failedId, taskId: null, dataset, idx, key, cause, reason, attempt: 1, worker: 'test', startedAt: Date.now() });
    await ctx.state.finishRun(failedId, { status: 'failed', error: 'boom', retryable: false, finishedAt: Date.now() });
    const retried = await call<api.RetryAnswer>('POST', '/api/runs/{id}/retry', { id: failedId });
    assert.equal(retried.status, 202);
    assert.equal((await call('POST', '/api/runs/{id}/retry', { id: failedId })).status, 409);
    assert.equal((await call('POST', '/api/runs/{id}/cancel', { id: retried.body.task.id })).status, 202);
    assert.equal((await call('POST', '/api/runs/{id}/cancel', { id: retried.body.task.id })).status, 409);
    await call('POST', '/api/runs/{id}/cancel', { id: 'no-such-run' });
  });

  it('answers forgetting as documented, through to the verification', async () => {
    const forget = (id: string, body: unknown) => call<api.ForgetAnswer>('POST', '/api/subjects/{id}/forget', { id }, { body });
    await forget('user-bob', {});
    const recorded = await forget('user-bob', { reason: 'ticket 1' });
    assert.equal(recorded.status, 202);
    assert.equal((await forget('user-bob', { reason: 'ticket 1, again' })).status, 200);
    // As `pond up` carries it out: mark what held the subject, rebuild it, complete and verify.
    await advanceForgetting(ctx);
    await new Executor(ctx).build({ retryFailed: false });
    await advanceForgetting(ctx);
    const { body } = await call<api.ForgetRequestDetail>('GET', '/api/forget-requests/{id}', { id: recorded.body.request.id });
    assert.equal(body.request.status, 'done');
    assert.ok(body.request.verification, 'the completed request carries its verification');
    await call('GET', '/api/forget-requests', {}, { query: 'status=done' });
    await call('GET', '/api/forget-requests', {}, { query: 'status=forgotten' });
    await call('GET', '/api/forget-requests/{id}', { id: 'fgt_nope' });
  });

  it('answers the backlog, the grid, run groups, backfills and readable dead letters as documented', async () => {
    const backlog = await call<api.Backlog>('GET', '/api/backlog');
    assert.ok(backlog.body.datasets.length > 0);
    const grid = await call<api.Grid>('GET', '/api/grid');
    assert.ok(grid.body.rows.length > 0);
    await call('GET', '/api/grid', {}, { query: 'from=2026-11-24&to=2026-11-25T06:00Z&columns=10' });
    await call('GET', '/api/grid', {}, { query: 'columns=0' });
    const groups = await call<api.RunGroupList>('GET', '/api/run-groups', {}, { query: 'pageSize=2&runs=3' });
    assert.ok(groups.body.groups.length > 0);
    await call('GET', '/api/run-groups', {}, { query: 'dataset=nope' });
    await call('GET', '/api/run-groups', {}, { query: 'status=sleeping' });
    const backfill = (body: unknown, name = 'purchase_items') => call<api.BackfillAnswer>('POST', '/api/datasets/{name}/backfill', { name }, { body });
    const { body: detail } = await call<api.DatasetDetail>('GET', '/api/datasets/{name}', { name: 'purchase_items' });
    const range = { from: detail.partitions.first, to: detail.partitions.first };
    assert.equal((await backfill({ ...range, dryRun: true })).status, 200);
    const queued = await backfill(range);
    assert.equal(queued.status, 202);
    assert.equal(queued.body.partitions, 1);
    await backfill({ from: 'yesterday', to: 'today' });
    await backfill(range, 'users');
    await backfill(range, 'nope');
    await ctx.state.cancelTasks(['purchase_items']);
    const { body: streams } = await call<api.StreamList>('GET', '/api/streams');
    for (const { name } of streams.streams) await call('GET', '/api/streams/{name}/dead-letters/readable', { name });
    await call('GET', '/api/streams/{name}/dead-letters/readable', { name: 'nope' });
  });

  it('has checked every operation of the document', () => {
    assert.deepEqual(
      documented.operations().filter((o) => !documented.checked.has(o)),
      [],
    );
  });
});
