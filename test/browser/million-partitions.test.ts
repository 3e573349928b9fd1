/**
 * The dataset page of a dataset with 1,000,000 hourly partitions (114 years
 * of hours), in Chromium: the timeline is drawn from bucket counts (a few
 * hundred columns on one canvas, never an element per partition), zooms
 * down to single partitions, and opens one. A stretch whose input changed
 * shows as stale. The grid of every stream and dataset × time sums them
 * into columns too. How long the page takes is measured by `npm run bench --
 * ui`, not asserted here; the time is reported as a diagnostic.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { partitionKey } from '../../src/partition/index.ts';
import { screenshot, serveUi } from '../helpers/browser.ts';
import { HOURLY_PIPELINE, HOURLY_SCHEMA, fillHourly } from '../helpers/fill-partitions.ts';
import { makeProject } from '../helpers/project.ts';

const N = 1_000_000;
const STALE = { from: 600_000, to: 601_000 };

describe('the dataset page at 1,000,000 partitions', { timeout: 600_000 }, () => {
  let ui: Awaited<ReturnType<typeof serveUi>>;
  let page: Page;

  before(async () => {
    const dir = makeProject({ 'schemas/events.schema.json': JSON.stringify(HOURLY_SCHEMA), 'pipelines/hourly.ts': HOURLY_PIPELINE });
    // The API and the UI only: no orchestrator, so the stale stretch stays stale.
    ui = await serveUi(dir, async (ctx) => {
      await fillHourly(ctx.project, ctx.state, N);
      // New raw versions under a thousand built partitions: those become stale (their input changed).
      const [sample] = await ctx.state.currentVersions('events', 0, 1);
      await ctx.state.commitVersions(
        Array.from({ length: STALE.to - STALE.from }, (_, i) => {
          const idx = STALE.from + i;
          return {
            ...sample!,
            id: `late${idx}`,
            dataset: 'events',
            idx,
            key: partitionKey(ctx.project.streams.get('events')!.partitioning, idx),
            prefix: `raw/events/${idx}/late${idx}`,
            files: sample!.files,
            schema: sample!.schema,
            codeFingerprint: 'raw',
            inputSeq: 0,
            inputs: [],
            runId: null,
            cause: 'new-data' as const,
            createdAt: Date.now(),
            buildMs: 0,
            bytes: 100,
          };
        }),
      );
    });
    page = ui.page;
    // The first plan after a bulk insert writes the partition snapshot: done before the page opens, as on a running server.
    assert.equal((await fetch(`${ui.platform.url}/api/datasets`)).status, 200);
  });

  after(() => ui?.close());

  it('draws every partition from a few hundred bucket counts', async (t) => {
    const started = Date.now();
    await page.goto(`${ui.platform.url}/#/datasets/hourly`);
    await page.waitForSelector(`[data-testid="partition-timeline"][data-count="${N}"]`);
    await page.waitForSelector('table[aria-label="versions"] tbody tr');
    t.diagnostic(`dataset page with ${N} partitions ready in ${Date.now() - started} ms (the benchmark times it: npm run bench -- ui)`);
    const buckets = Number(await page.getAttribute('[data-testid="partition-timeline"]', 'data-buckets'));
    assert.ok(buckets > 100 && buckets <= 600, `${buckets} columns`);
    assert.equal(await page.$$eval('[data-testid="partition-timeline"] *', (all) => all.length < 100), true, 'a canvas, not an element per partition');
    const legend = await page.textContent('.timeline-legend');
    assert.match(legend ?? '', /fresh 999,000/);
    assert.match(legend ?? '', /stale 1,000/);
    await screenshot(page, 'million-partitions');
  });

  it('zooms by dragging down to single partitions and opens one', async () => {
    const canvas = page.locator('[data-testid="partition-timeline"] canvas');
    // The screenshot resized the page: wait for the timeline drawn at its width again.
    await page.waitForSelector('[data-testid="partition-timeline"][data-loading="false"][data-per-bucket]');
    const perBucket = async () => Number(await page.getAttribute('[data-testid="partition-timeline"]', 'data-per-bucket'));
    for (let step = 0; step < 8 && (await perBucket()) > 1; step++) {
      const before = await perBucket();
      const box = (await canvas.boundingBox())!;
      // Drag over a sixtieth of the width, around 60.05% of the span (where the stale stretch is).
      const at = box.x + box.width * (step === 0 ? 0.6005 : 0.5);
      await page.mouse.move(at - box.width / 120, box.y + 10);
      await page.mouse.down();
      await page.mouse.move(at + box.width / 120, box.y + 10, { steps: 4 });
      await page.mouse.up();
      await page.waitForFunction(
        `document.querySelector('[data-testid="partition-timeline"][data-loading="false"]')?.getAttribute('data-per-bucket') < ${before}`,
      );
    }
    assert.equal(await perBucket(), 1, 'one partition per column');
    assert.match(page.url(), /from=.*&to=|to=.*&from=/);
    await screenshot(page, 'million-partitions-zoomed');
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + 10);
    await page.waitForFunction('window.location.hash.includes("partition=")');
    const key = new URLSearchParams(page.url().split('?')[1]).get('partition')!;
    await page.waitForSelector(`table[aria-label="versions"] tbody tr td:first-child >> text=${key}`);
  });

  it('the grid of streams and datasets × time sums them into a few hundred columns', async (t) => {
    const started = Date.now();
    await page.goto(`${ui.platform.url}/#/grid`);
    await page.waitForSelector('[data-testid="partition-grid"][data-rows="2"]');
    t.diagnostic(`grid of ${N} partitions ready in ${Date.now() - started} ms`);
    const columns = Number(await page.getAttribute('[data-testid="partition-grid"]', 'data-columns'));
    assert.ok(columns > 20 && columns <= 400, `${columns} columns`);
    assert.ok((await page.$$('[data-testid="partition-grid"] *')).length < 100, 'a canvas, not an element per partition');
    const grid = (await (await fetch(`${ui.platform.url}/api/grid?columns=${columns}`)).json()) as {
      rows: Array<{ name: string; stale: number[]; fresh: number[] }>;
    };
    const hourly = grid.rows.find((r) => r.name === 'hourly');
    const sum = (values: number[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0);
    assert.equal(sum(hourly?.stale), STALE.to - STALE.from);
    assert.equal(sum(hourly?.fresh), N - (STALE.to - STALE.from));
    await screenshot(page, 'million-partitions-grid');
  });

  it('said nothing on the console', () => assert.deepEqual(ui.errors, []));
});
