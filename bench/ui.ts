/**
 * Benchmark 6, the web UI: how long the dataset page takes in Chromium, from
 * navigation to the partition timeline drawn and the versions listed, for a
 * dataset of 1,000,000 hourly partitions. Baseline: the same page for a
 * dataset of 1,000 partitions, in the same run. Each load is a new browser
 * context (no cache), against a warm server (the partition snapshot
 * written), as on a running `pond up`. Also times one zoom (a drag on the
 * timeline until the narrower window is drawn). Loads are more than a second
 * apart, so none reuses the plan the API shares for a second. Target: under
 * 2 s at 1M.
 *
 * Env: BENCH_UI_PARTITIONS (default 1,000,000), BENCH_REPEAT (default 5).
 */
import { serveUi } from '../test/helpers/browser.ts';
import { HOURLY_PIPELINE, HOURLY_SCHEMA, fillHourly } from '../test/helpers/fill-partitions.ts';
import { fmt, log, makeProject, median, time } from './lib.ts';

const N = Number(process.env.BENCH_UI_PARTITIONS ?? 1_000_000);
const BASELINE = 1000;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

async function measure(n: number): Promise<{ loads: number[]; zooms: number[] }> {
  const dir = makeProject({ name: `ui-${n}`, schema: HOURLY_SCHEMA, pipeline: HOURLY_PIPELINE });
  let fillMs = 0;
  const { platform, browser, close } = await serveUi(dir, async (ctx) => {
    fillMs = (await time(() => fillHourly(ctx.project, ctx.state, n))).ms;
  });
  log(`${n.toLocaleString('en')} partitions: filled in ${fmt(fillMs / 1000)} s`);
  try {
    await fetch(`${platform.url}/api/datasets`);
    const loads: number[] = [];
    const zooms: number[] = [];
    for (let i = 0; i < REPEAT + 1; i++) {
      // Past the API's plan cache (shared for a second): every load plans at least once.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const load = await time(async () => {
        await page.goto(`${platform.url}/#/datasets/hourly`);
        await page.waitForSelector(`[data-testid="partition-timeline"][data-count="${n}"]`);
        await page.waitForSelector('table[aria-label="versions"] tbody tr');
      });
      const box = (await page.locator('[data-testid="partition-timeline"] canvas').boundingBox())!;
      const before = await page.getAttribute('[data-testid="partition-timeline"]', 'data-per-bucket');
      const zoom = await time(async () => {
        await page.mouse.move(box.x + box.width * 0.4, box.y + 10);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.45, box.y + 10, { steps: 2 });
        await page.mouse.up();
        await page.waitForFunction(`document.querySelector('[data-testid="partition-timeline"]')?.getAttribute('data-per-bucket') !== '${before}'`);
      });
      await context.close();
      // The first load also starts the browser's renderer: not counted.
      if (i > 0) {
        loads.push(load.ms);
        zooms.push(zoom.ms);
      }
    }
    log(
      `${n.toLocaleString('en')} partitions: page ${fmt(median(loads))} ms [${loads.map((x) => fmt(x)).join(', ')}], zoom ${fmt(median(zooms))} ms [${zooms.map((x) => fmt(x)).join(', ')}]`,
    );
    return { loads, zooms };
  } finally {
    await close();
  }
}

export async function run(): Promise<Record<string, number>> {
  log(`== ui: the dataset page at ${N.toLocaleString('en')} partitions, against ${BASELINE.toLocaleString('en')} (baseline)`);
  const base = await measure(BASELINE);
  const big = await measure(N);
  const baseMs = median(base.loads);
  const bigMs = median(big.loads);
  log(
    `dataset page: ${fmt(bigMs)} ms at ${N.toLocaleString('en')} vs ${fmt(baseMs)} ms at ${BASELINE.toLocaleString('en')}: ratio ${fmt(bigMs / baseMs, 2)}x (target < 2000 ms)`,
  );
  log(`zoom: ${fmt(median(big.zooms))} ms vs ${fmt(median(base.zooms))} ms: ratio ${fmt(median(big.zooms) / median(base.zooms), 2)}x`);
  return { baselinePageMs: baseMs, pageMs: bigMs, ratio: bigMs / baseMs, baselineZoomMs: median(base.zooms), zoomMs: median(big.zooms) };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
