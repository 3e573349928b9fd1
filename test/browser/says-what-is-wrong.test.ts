/**
 * The web UI says what is wrong (issue 15, §4), in Chromium, against the API
 * of a copy of examples/shop with half a day of demo events, built, then put
 * in a known state with nothing running to change it: a failed partition, a
 * stale stretch (late data), a stale unpartitioned dataset beside a fresh one,
 * a running run, runs of many builds and a backfill, a dead letter with
 * personal data. Each page is checked against what the API says, and saved
 * as a screenshot in test-output/browser/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openContext, type Context } from '../../src/cli/context.ts';
import type * as api from '../../src/serve/api/index.ts';
import { startPlatform } from '../../src/serve/index.ts';
import { launchBrowser, openPage, screenshot, serveUi } from '../helpers/browser.ts';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, ROOT } from '../helpers/project.ts';

const EXTRA_PIPELINE = `import { dataset } from 'pond';
import { cleanDeviceEvents } from './devices.ts';
import { cleanPurchases } from './sales.ts';

/** Unpartitioned: on time when up to date, however long ago it was built. */
export const deviceCount = dataset({
  name: 'device_count',
  partition: 'none',
  inputs: { readings: { from: cleanDeviceEvents, map: 'all' } },
  sql: 'select count(distinct device_id) as devices, -- devices that sent a reading\\n  count(*) as readings from readings',
});

export const purchaseCount = dataset({
  name: 'purchase_count',
  partition: 'none',
  inputs: { purchases: { from: cleanPurchases, map: 'all' } },
  sql: 'select count(*) as purchases from purchases',
});
`;

/** A small project for the banner: nothing needs to be built. */
const PIPELINE = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour' });
export const hourly = dataset({ name: 'hourly', inputs: { events }, sql: 'select count(*) as n from events' });
`;

const FAILED_KEY = '2026-11-24T05:00Z/PT1H';
const LATE_HOUR = '2026-11-24T03';

describe('the web UI says what is wrong', { timeout: 600_000 }, () => {
  let ui: Awaited<ReturnType<typeof serveUi>>;
  let page: Page;
  let url: string;
  let failedRunId: string;
  const apiGet = async <T>(route: string): Promise<T> => {
    const r = await fetch(`${url}/api/${route}`);
    assert.equal(r.status, 200, `${route}: ${await r.clone().text()}`);
    return (await r.json()) as T;
  };
  const open = async (route: string, selector: string) => {
    await page.goto(`${url}/#/${route}`);
    await page.waitForSelector(selector, { timeout: 20_000 });
  };

  before(async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pond-ui-wrong-')), 'shop');
    cpSync(path.join(ROOT, 'examples/shop'), dir, { recursive: true, filter: (src) => !src.includes('.pond') });
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(dir, 'pipelines', 'counts.ts'), EXTRA_PIPELINE);
    const demo = pond(dir, 'demo', '--from', '2026-11-24T00:00Z', '--to', '2026-11-24T12:00Z');
    assert.equal(demo.status, 0, demo.stderr);
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr + build.stdout);
    // Late data: a purchase in an hour already built makes that hour of clean_purchases (and what reads it) stale.
    writeFileSync(
      path.join(dir, 'late.ndjson'),
      ndjson([
        {
          event_type: 'button_pressed',
          user_id: 'user-late',
          device_id: 'dev-late',
          time_utc: `${LATE_HOUR}:30:00Z`,
          button: 'one-click purchase',
          purchased_items: [{ sku: 'LED-4PK', description: 'LED bulbs', unit_price: 12.99, quantity: 2 }],
        },
      ]),
    );
    const late = pond(dir, 'load', 'user_events', path.join(dir, 'late.ndjson'));
    assert.equal(late.status, 0, late.stderr);
    ui = await serveUi(dir, async (ctx) => prepare(ctx));
    page = ui.page;
    url = ui.platform.url;
  });

  /** The state the pages are checked in: a failed partition and its run, a running run, runs of many builds and of a backfill. */
  async function prepare(ctx: Context): Promise<void> {
    const idx = Date.parse('2026-11-24T05:00:00Z') / 3_600_000;
    await ctx.state.markFailed('purchase_items', idx, FAILED_KEY, 'Binder Error: the buyer table is missing');
    failedRunId = randomUUID();
    const now = Date.now();
    const run = (id: string, o: { dataset: string; idx: number; key: string; worker: string; startedAt: number; cause?: api.Cause; reason?: string }) =>
      ctx.state.startRun({ id, taskId: null, attempt: 1, cause: o.cause ?? 'new-data', reason: o.reason ?? 'new data', ...o });
    await run(failedRunId, { dataset: 'purchase_items', idx, key: FAILED_KEY, worker: 'vm:4242:feedbeef', startedAt: now - 5000, cause: 'input-changed' });
    await ctx.state.finishRun(failedRunId, { status: 'failed', error: 'Binder Error: the buyer table is missing', retryable: false, finishedAt: now - 4000 });
    // Something building now.
    await run(randomUUID(), { dataset: 'hourly_sales', idx: idx + 1, key: '2026-11-24T06:00Z/PT1H', worker: 'vm:4242:feedbeef', startedAt: now - 3000 });
    // 170 runs of 20 builds an hour apart, and a backfill: more than a page.
    for (let b = 0; b < 20; b++) {
      for (let r = 0; r < 8; r++) {
        const id = randomUUID();
        const startedAt = now - (b + 1) * 3_600_000 + r * 1000;
        await run(id, { dataset: 'device_hourly', idx: idx - r, key: `build ${b} run ${r}`, worker: `vm:${1000 + b}:0000abcd`, startedAt });
        await ctx.state.finishRun(id, { status: 'succeeded', finishedAt: startedAt + 500 });
      }
    }
    for (let r = 0; r < 10; r++) {
      const id = randomUUID();
      const startedAt = now - 30 * 60_000 + r * 1000;
      const reason = 'backfill bf_0badcafe: 2026-11-24T00:00Z/PT1H … 2026-11-24T09:00Z/PT1H (10 partitions)';
      await run(id, {
        dataset: 'clean_device_events',
        idx: idx - 5 + r,
        key: `backfilled ${r}`,
        worker: 'vm:77:0000feed',
        startedAt,
        cause: 'backfill',
        reason,
      });
      await ctx.state.finishRun(id, { status: 'succeeded', finishedAt: startedAt + 400 });
    }
  }

  after(() => ui?.close());

  it('overview: on time means built up to its expected point with nothing failed; backlogs with when they clear; what runs now', async () => {
    await open('', 'table[aria-label="backlog"] tbody tr');
    const { datasets } = await apiGet<api.DatasetList>('datasets');
    const byName = new Map(datasets.map((d) => [d.name, d]));
    // Up to date, unpartitioned: on time, whenever it was built.
    assert.equal(byName.get('device_count')?.freshness.onTime, true, JSON.stringify(byName.get('device_count')?.freshness));
    // Stale (its input will be rebuilt after the late purchase): not on time, and the page says why.
    assert.equal(byName.get('purchase_count')?.freshness.onTime, false);
    assert.match(byName.get('purchase_count')?.freshness.lateBecause ?? '', /stale: input clean_purchases will be rebuilt/);
    // A failed partition: not on time.
    assert.match(byName.get('purchase_items')?.freshness.lateBecause ?? '', /^1 partition failed/);
    const freshness = (name: string) => page.textContent(`table[aria-label="freshness"] tr[data-dataset="${name}"] td.freshness`);
    assert.match((await freshness('device_count')) ?? '', /^on time$/);
    assert.match((await freshness('purchase_count')) ?? '', /late.*stale: input clean_purchases will be rebuilt/);
    assert.match((await freshness('purchase_items')) ?? '', /late.*1 partition failed/);
    const onTime = datasets.filter((d) => d.freshness.onTime).length;
    assert.equal(await page.textContent('[aria-label="Datasets on time"] .stat-value'), `${onTime} / ${datasets.length}`);

    // The backlog: what is left to build per dataset, and the failed partition apart.
    const backlog = await apiGet<api.Backlog>('backlog');
    const clean = backlog.datasets.find((d) => d.name === 'clean_purchases');
    assert.equal(clean?.toBuild, 1, 'the late hour of clean_purchases');
    const row = (name: string) => page.$$eval(`table[aria-label="backlog"] tr[data-dataset="${name}"] td`, (tds) => tds.map((td) => td.textContent));
    assert.deepEqual((await row('clean_purchases')).slice(1, 7), ['1', '1', '0', '0', '0', '0']);
    assert.equal((await row('purchase_items'))[6], '1', 'purchase_items: one failed partition');
    assert.match((await page.textContent('[aria-label="Backlog"]')) ?? '', /to build/);
    // What runs now.
    assert.equal(backlog.running.length, 1);
    assert.match((await page.textContent('ul[aria-label="running now"]')) ?? '', /hourly_sales 2026-11-24T06:00Z\/PT1H/);
    await screenshot(page, 'wrong-overview');
  });

  it('grid: every stream and dataset × time, a cell opens its stretch of the dataset', async () => {
    await open('grid', '[data-testid="partition-grid"]');
    const grid = await apiGet<api.Grid>('grid?columns=100');
    assert.equal(Number(await page.getAttribute('[data-testid="partition-grid"]', 'data-rows')), grid.rows.length);
    assert.deepEqual(
      await page.$$eval('ul[aria-label="grid rows"] li', (lis) => lis.map((li) => li.getAttribute('data-row'))),
      grid.rows.map((r) => r.name),
    );
    // Columns of a round width, on round times; the failed hour of purchase_items in one of them.
    assert.equal(Date.parse(grid.from) % grid.columnMs, 0);
    const items = grid.rows.find((r) => r.name === 'purchase_items');
    const failedColumns = (items?.failed ?? []).flatMap((n, c) => (n > 0 ? [Date.parse(grid.from) + c * grid.columnMs] : []));
    assert.deepEqual(
      [failedColumns[0], (failedColumns.at(-1) ?? 0) + grid.columnMs].map((t) => new Date(t ?? 0).toISOString()),
      ['2026-11-24T05:00:00.000Z', '2026-11-24T06:00:00.000Z'],
      'the columns of the failed hour',
    );
    assert.ok((await page.$$('[data-testid="partition-grid"] *')).length < 100, 'a canvas, not an element per cell');
    await screenshot(page, 'wrong-grid');
    // A click on purchase_items's row at the failed hour opens that stretch of it.
    const canvas = (await page.locator('[data-testid="partition-grid"] canvas').boundingBox())!;
    const shown = { columns: Number(await page.getAttribute('[data-testid="partition-grid"]', 'data-columns')) };
    const shownGrid = await apiGet<api.Grid>(`grid?columns=${shown.columns}`);
    const col = Math.floor((Date.parse('2026-11-24T05:30:00Z') - Date.parse(shownGrid.from)) / shownGrid.columnMs);
    const rowIndex = grid.rows.findIndex((r) => r.name === 'purchase_items');
    await page.mouse.click(canvas.x + (col + 0.5) * (canvas.width / shown.columns), canvas.y + rowIndex * 20 + 10);
    await page.waitForFunction('window.location.hash.startsWith("#/datasets/purchase_items?from=")');
    await page.waitForSelector('[data-testid="partition-timeline"][data-count]');
  });

  it('runs: grouped by the build or backfill that caused them, a page at a time', async () => {
    await open('runs', 'section.run-group');
    const height = await page.evaluate<number>('document.documentElement.scrollHeight');
    assert.ok(height < 1800, `the runs page is ${height} px high`);
    const groups = await apiGet<api.RunGroupList>('run-groups?pageSize=15&runs=10');
    assert.equal(await page.$$eval('section.run-group', (s) => s.length), 15);
    assert.ok(groups.hasMore);
    assert.deepEqual(
      await page.$$eval('section.run-group', (s) => s.map((g) => g.getAttribute('data-group'))),
      groups.groups.map((g) => g.id),
    );
    const backfill = groups.groups.find((g) => g.kind === 'backfill');
    assert.equal(backfill?.runCount, 10);
    assert.match((await page.textContent(`section.run-group[data-group="${backfill?.id}"]`)) ?? '', /backfill bf_0badcafe/);
    await screenshot(page, 'wrong-runs');
    await page.click('nav[aria-label="pages"] button:has-text("Older")');
    await page.waitForFunction('window.location.hash.includes("page=2")');
    await page.waitForSelector('section.run-group');
  });

  it('a run: Retry only for a run that did not succeed', async () => {
    const [ok] = (await apiGet<api.RunList>('runs?status=succeeded&limit=1')).runs;
    await open(`runs/${ok!.id}`, '.run-actions .badge');
    assert.equal(await page.$('button:has-text("Retry")'), null, 'no Retry for a succeeded run');
    await open(`runs/${failedRunId}`, 'button:has-text("Retry")');
    await page.click('button:has-text("Retry")');
    await page.waitForSelector('.notice >> text=Queued a new build');
    await ui.ctx.state.cancelTasks(['purchase_items']);
  });

  it('dataset: its code, each input with its mapping, what its columns mean, why partitions are stale, and a backfill after a confirmation', async () => {
    await open('datasets/purchase_items', 'pre[aria-label="transformation"]');
    assert.match((await page.textContent('pre[aria-label="transformation"]')) ?? '', /^with profiles as \(/);
    await page.waitForSelector('[data-input="users"] .mapping');
    assert.match((await page.textContent('[data-input="users"]')) ?? '', /users · all, as of its end/);
    assert.match((await page.textContent('[data-input="clean_purchases"]')) ?? '', /same hour/);
    await page.waitForSelector('table[aria-label="why stale"] tr[data-reason="failed"]');
    await screenshot(page, 'wrong-dataset');

    await open('datasets/clean_purchases', 'table[aria-label="why stale"] tr[data-reason]');
    assert.match((await page.textContent('table[aria-label="why stale"] tbody')) ?? '', /input user_events changed\s*1/);

    await open('datasets/purchase_items?tab=schema', 'table[aria-label="schema"] tbody tr');
    const described = await page.$$eval('table[aria-label="schema"] tbody tr', (trs) =>
      Object.fromEntries(trs.map((tr) => [tr.querySelector('td')?.textContent, tr.querySelector('td.description')?.textContent])),
    );
    assert.match(described.country ?? '', /country code.*\(from users\.country\)/);
    await open('datasets/device_count?tab=schema', 'table[aria-label="schema"] tbody tr');
    assert.match((await page.textContent('table[aria-label="schema"]')) ?? '', /devices that sent a reading/);

    // A backfill of two hours: asked for, confirmed, queued with the code loaded now.
    await open('datasets/hourly_sales', 'button:has-text("Build a range")');
    await page.click('button:has-text("Build a range")');
    await page.fill('input[aria-label="backfill from"]', '2026-11-24T01:00Z/PT1H');
    await page.fill('input[aria-label="backfill to"]', '2026-11-24T02:00Z/PT1H');
    await page.click('.backfill button:has-text("Build…")');
    await page.waitForSelector('.backfill .confirm >> text=Build 2 partitions of hourly_sales');
    assert.deepEqual(await ui.ctx.state.listTasks({ dataset: 'hourly_sales', states: ['queued'] }), [], 'nothing queued before the confirmation');
    await screenshot(page, 'wrong-backfill-confirm');
    await page.click('.backfill .confirm button:has-text("Build 2 partitions")');
    await page.waitForSelector('.backfill .notice >> text=Queued 2 partitions');
    const tasks = await ui.ctx.state.listTasks({ dataset: 'hourly_sales', states: ['queued'] });
    assert.deepEqual(
      tasks.map((t) => [t.key, t.cause, t.codeFingerprint]),
      ['2026-11-24T01:00Z/PT1H', '2026-11-24T02:00Z/PT1H'].map((key) => [key, 'backfill', ui.ctx.project.datasets.get('hourly_sales')?.codeFingerprint]),
    );
    // The overview shows them queued next.
    await open('', 'ul[aria-label="queued next"] li');
    assert.match((await page.textContent('ul[aria-label="queued next"]')) ?? '', /hourly_sales 2026-11-24T01:00Z\/PT1H/);
    await ui.ctx.state.cancelTasks(['hourly_sales']);
  });

  it('lineage: edges go around the nodes they do not connect, each labelled with its mapping', async () => {
    await open('lineage', 'svg.lineage path.edge');
    // A script as text: it runs in the page, over the SVG the page drew.
    const crossings = await page.evaluate<string[]>(`(() => {
      const boxes = [...document.querySelectorAll('svg.lineage a.node')].map((a) => ({ id: a.getAttribute('data-id'), box: a.querySelector('rect').getBBox() }));
      const out = [];
      for (const edge of document.querySelectorAll('svg.lineage path.edge')) {
        const from = edge.getAttribute('data-from');
        const to = edge.getAttribute('data-to');
        const length = edge.getTotalLength();
        for (let s = 0; s <= 200; s++) {
          const p = edge.getPointAtLength((length * s) / 200);
          for (const { id, box } of boxes) {
            if (id === from || id === to) continue;
            if (p.x > box.x + 1 && p.x < box.x + box.width - 1 && p.y > box.y + 1 && p.y < box.y + box.height - 1) out.push(from + ' → ' + to + ' behind ' + id);
          }
        }
      }
      return [...new Set(out)];
    })()`);
    assert.deepEqual(crossings, []);
    const { datasets } = await apiGet<api.DatasetList>('datasets');
    const labels = await page.$$eval('svg.lineage text.edge-label', (ts) =>
      ts.map((t) => `${t.getAttribute('data-from')} → ${t.getAttribute('data-to')}: ${t.textContent}`),
    );
    assert.equal(
      labels.length,
      datasets.reduce((n, d) => n + d.inputMappings.length, 0),
    );
    assert.ok(labels.includes('users → purchase_items: all, as of its end'), labels.join('\n'));
    assert.ok(labels.includes('hourly_sales → daily_sales: hours of the day'), labels.join('\n'));
    await screenshot(page, 'wrong-lineage');
  });

  it("SQL console: DuckDB's caret stays under the column it points at; chart ticks fall on round times", async () => {
    await open('sql', 'textarea[aria-label="SQL"]');
    await page.fill('textarea[aria-label="SQL"]', 'select purchase_id, nope from purchase_items');
    await page.press('textarea[aria-label="SQL"]', 'Control+Enter');
    await page.waitForSelector('.error-box pre.error-message');
    // A script as text: the test's compiler would add helpers to a function that the page does not have.
    const caret = await page.evaluate<{ pointsAt: string; caretX: number; charX: number; font: string }>(`(() => {
      const pre = document.querySelector('.error-box pre.error-message');
      const text = pre.textContent;
      const lines = text.split('\\n');
      const at = lines.findIndex((l) => l.startsWith('LINE 1:'));
      const column = lines[at + 1].indexOf('^');
      const node = pre.firstChild;
      const offset = (line, col) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + col;
      const x = (line, col) => {
        const range = document.createRange();
        range.setStart(node, offset(line, col));
        range.setEnd(node, offset(line, col) + 1);
        return range.getBoundingClientRect().left;
      };
      return { pointsAt: lines[at].slice(column, column + 4), caretX: x(at + 1, column), charX: x(at, column), font: getComputedStyle(pre).fontFamily };
    })()`);
    assert.equal(caret.pointsAt, 'nope');
    assert.ok(Math.abs(caret.caretX - caret.charX) < 1, `the caret at ${caret.caretX} px, the column at ${caret.charX} px (${caret.font})`);
    await screenshot(page, 'wrong-sql-caret');

    await page.fill('textarea[aria-label="SQL"]', "select date_trunc('hour', time_utc) as hour, count(*) as items from purchase_items group by 1 order by 1");
    await page.press('textarea[aria-label="SQL"]', 'Control+Enter');
    await page.waitForSelector('figure.chart text.x-tick');
    const ticks = await page.$$eval('figure.chart text.x-tick', (ts) => ts.map((t) => t.textContent ?? ''));
    assert.ok(ticks.length >= 3, ticks.join(', '));
    for (const t of ticks) assert.match(t, /^(\d\d:00|\d\d-\d\d)$/, `${t} is a round time`);
    await screenshot(page, 'wrong-sql-chart');
  });

  it('check results show the observed value beside the threshold', async () => {
    await open('datasets/purchase_items?tab=checks', 'table[aria-label="check results"] tbody tr');
    const range = (await page.$$eval('table[aria-label="check results"] tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''))).find((t) =>
      t.includes('range(quantity)'),
    );
    assert.match(range ?? '', /pass\s*min \d+, max \d+ \(expected ≥ 1\)/);
    assert.doesNotMatch(range ?? '', /0 rows/);
  });

  it('dead letters: the offending value and what was allowed, and the payload masked, never ciphertext', async () => {
    const sent = await fetch(`${url}/v1/streams/users/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pond-write-key': 'shop-app-dev-key' },
      body: JSON.stringify([
        { user_id: 'user-gold', name: 'Goldie Hawn', country: 'US', signup_time_utc: '2026-11-24T09:00:00Z', plan: 'gold', time_utc: '2026-11-24T09:00:00Z' },
      ]),
    });
    assert.equal(sent.status, 200, await sent.text());
    await open('streams/users', 'table[aria-label="dead letters"] tbody tr');
    const row = page.locator('table[aria-label="dead letters"] tbody tr').first();
    assert.match((await row.textContent()) ?? '', /plan: must be one of "free", "plus", "pro"; got "gold"/);
    await row.locator('summary').click();
    const payload = (await row.locator('details pre').textContent()) ?? '';
    assert.match(payload, /"plan": "gold"/);
    assert.match(payload, /"name": "••• personal data •••"/);
    assert.match(payload, /"user_id": "ps_/);
    assert.doesNotMatch(payload, /enc:v1|Goldie|user-gold/);
    await screenshot(page, 'wrong-dead-letters');
  });

  it('a live tail per stream: events as they arrive, accepted and dead-lettered', async () => {
    await open('streams/device_events', '[data-testid="tail-state"] >> text=live');
    const marker = `dev-tail-${randomUUID().slice(0, 8)}`;
    const reading = (degrees: unknown) => ({
      event_type: 'environmental_info',
      device_id: marker,
      time_utc: '2026-11-24T11:30:00Z',
      degrees_fahrenheit: degrees,
      status: 'ok',
    });
    const sent = await fetch(`${url}/v1/streams/device_events/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pond-write-key': 'shop-app-dev-key' },
      body: JSON.stringify([reading(71.5), reading('warm')]),
    });
    assert.equal(sent.status, 200, await sent.text());
    await page.waitForSelector(`table[aria-label="live tail"] tr[data-status="dead-letter"] >> text=${marker}`);
    await page.waitForSelector(`table[aria-label="live tail"] tr[data-status="accepted"] >> text=${marker}`);
    assert.match((await page.textContent('table[aria-label="live tail"] tr[data-status="dead-letter"]')) ?? '', /degrees_fahrenheit: must be number/);
    await screenshot(page, 'wrong-live-tail');
  });

  it('said nothing on the console', () => {
    // The SQL console's refused query is the one error the browser logs on purpose.
    assert.deepEqual(
      ui.errors.filter((e) => !/status of 400/.test(e)),
      [],
    );
  });
});

describe('a change to the project that does not load', { timeout: 120_000 }, () => {
  it('shows a banner on every page while GET /api/project says so, and none once a change loads', async () => {
    const dir = makeProject({ 'schemas/events.json': EVENTS_SCHEMA, 'pipelines/p.ts': PIPELINE });
    const ctx = await openContext({ project: dir });
    let status: api.ProjectStatus = {
      name: 'test',
      generation: 3,
      loadedAt: '2026-11-24T10:00:00.000Z',
      error: {
        message: 'dataset "daily" has an unknown key "parition"',
        where: 'pipelines/p.ts:4',
        hint: 'did you mean "partition"?',
        at: '2026-11-24T10:05:00.000Z',
      },
    };
    const platform = await startPlatform({ ctx, port: 0, projectStatus: () => status });
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPage(browser);
      for (const route of ['', 'runs', 'datasets/hourly', 'sql']) {
        await page.goto(`${platform.url}/#/${route}`);
        const banner = await page.waitForSelector('[aria-label="project error"]');
        const text = (await banner.textContent()) ?? '';
        assert.match(text, /does not load.*last project that did/);
        assert.match(text, /unknown key "parition".*pipelines\/p\.ts:4.*did you mean "partition"\?/);
      }
      await screenshot(page, 'wrong-project-banner');
      // A fix loads: the banner goes at the next poll.
      status = { ...status, generation: 4, error: null };
      await page.waitForSelector('[aria-label="project error"]', { state: 'detached', timeout: 20_000 });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await platform.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
