/**
 * The web UI in Chromium against `pond up --demo` on a copy of the example
 * project, with two datasets added for the runs page: one whose SQL always
 * fails and one that builds for minutes. Each page is opened and checked
 * against what the data API says, then saved as a screenshot.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from '../helpers/browser.ts';
import { ROOT, startUp, until } from '../helpers/project.ts';

const EXTRA_PIPELINE = `import { check, dataset } from 'pond';
import { cleanDeviceEvents } from './devices.ts';
import { deviceEvents } from './streams.ts';

export const deviceAlerts = dataset({
  name: 'device_alerts',
  partition: 'none',
  inputs: { device_events: deviceEvents },
  retries: { attempts: 1 },
  sql: "select error('the alert threshold table is missing') as alert",
});

export const slowSummary = dataset({
  name: 'slow_summary',
  partition: 'none',
  inputs: { device_events: deviceEvents },
  retries: { attempts: 1 },
  async *transform() {
    await new Promise((resolve) => setTimeout(resolve, 600_000));
    yield { n: 1 };
  },
});

// Whether the demo's random data trips one of the example's checks is chance: this
// warning fails on every row of every version, so the checks tab always has failing rows.
export const flaggedReadings = dataset({
  name: 'flagged_readings',
  inputs: { readings: cleanDeviceEvents },
  checks: [check.sql('every_reading_flagged', 'select device_id, time_utc, status from flagged_readings', { severity: 'warn' })],
  sql: 'select device_id, time_utc, status from readings',
});
`;

const MARKER = `ui-test-${Date.now()}`;

interface Summary {
  name: string;
  health: string;
  freshness: { onTime: boolean };
  partitions: { count: number; stale: number };
  sinks: Array<{ name: string }>;
}
interface Run {
  id: string;
  status: string;
  cause: string;
  dataset: string;
}

describe('the web UI in Chromium', { timeout: 600_000 }, () => {
  let dir: string;
  let up: ReturnType<typeof startUp>;
  let url: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const api = async <T>(route: string): Promise<T> => {
    const r = await fetch(`${url}/api/${route}`);
    assert.equal(r.status, 200, `${route}: ${await r.clone().text()}`);
    return (await r.json()) as T;
  };
  /** Runs `check` until it passes (the demo keeps sending and building: page and API converge within a refresh or two). */
  const eventually = async (check: () => Promise<void>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  /** Opens a route of the UI and waits for `selector`. */
  const open = async (route: string, selector: string) => {
    await page.goto(`${url}/#/${route}`);
    await page.waitForSelector(selector, { timeout: 20_000 });
  };

  before(async () => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'pond-ui-')), 'shop');
    cpSync(path.join(ROOT, 'examples/shop'), dir, { recursive: true, filter: (src) => !src.includes('.pond') });
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(dir, 'pipelines', 'ui_test.ts'), EXTRA_PIPELINE);
    up = startUp(dir, '--demo');
    url = await up.url;
    // One event the schema refuses, with a marker to find on the streams page.
    const bad = await fetch(`${url}/v1/streams/device_events/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'x-pond-write-key': 'shop-app-dev-key' },
      body: `${JSON.stringify({ event_type: 'environmental_info', device_id: MARKER, time_utc: new Date().toISOString(), degrees_fahrenheit: 'warm', status: 'ok' })}\n`,
    });
    assert.equal(bad.status, 200, await bad.text());
    // The demo's first day is built, the failing dataset failed and the slow one is running.
    await until(
      "the demo's day to be built",
      async () => {
        const { datasets } = await api<{ datasets: Summary[] }>('datasets');
        const example = datasets.filter((d) => d.name !== 'device_alerts' && d.name !== 'slow_summary');
        return example.every((d) => d.partitions.count > 0 && d.partitions.stale === 0) ? true : undefined;
      },
      240_000,
      1000,
    );
    await until(
      'device_alerts to fail',
      async () => ((await api<{ runs: Run[] }>('runs?dataset=device_alerts&status=failed')).runs.length > 0 ? true : undefined),
      120_000,
      500,
    );
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser));
  });

  after(async () => {
    await browser?.close();
    up?.proc.kill('SIGINT');
    await new Promise((resolve) => up?.proc.once('exit', resolve));
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('overview: ingest, freshness of every dataset, failures and dead letters', async () => {
    await open('', 'table[aria-label="freshness"] tbody tr');
    await eventually(async () => {
      const { datasets } = await api<{ datasets: Summary[] }>('datasets');
      const rows = await page.$$eval('table[aria-label="freshness"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-dataset')));
      assert.deepEqual(
        rows,
        datasets.map((d) => d.name),
      );
      const onTime = datasets.filter((d) => d.freshness.onTime).length;
      assert.equal(await page.textContent('[aria-label="Datasets on time"] .stat-value'), `${onTime} / ${datasets.length}`);
    });
    await page.waitForSelector('ul[aria-label="recent failures"] >> text=the alert threshold table is missing');
    const { streams } = await api<{ streams: Array<{ name: string }> }>('streams');
    for (const s of streams) assert.ok(await page.$(`table[aria-label="streams"] >> text=${s.name}`), `stream ${s.name} listed`);
    await screenshot(page, 'overview');
  });

  it('lineage: every stream, dataset and sink, coloured by health, and a click opens the dataset', async () => {
    await open('lineage', 'svg.lineage');
    await eventually(async () => {
      for (const d of (await api<{ datasets: Summary[] }>('datasets')).datasets) {
        const health = await page.getAttribute(`a[aria-label="dataset ${d.name}"]`, 'data-health');
        assert.equal(health, d.health, `${d.name} is drawn as ${d.health}`);
      }
    });
    assert.equal(await page.getAttribute('a[aria-label="dataset device_alerts"]', 'data-health'), 'failed');
    assert.ok(await page.$('a[aria-label="sink sqlite"]'), 'the sqlite sink of daily_sales');
    assert.ok(await page.$('a[aria-label="stream device_events"]'));
    await screenshot(page, 'lineage');
    await page.click('a[aria-label="dataset daily_sales"]');
    await page.waitForSelector('h1 >> text=daily_sales');
    assert.match(page.url(), /#\/datasets\/daily_sales$/);
  });

  it('dataset: partitions from ranges, versions with their cause, rows with a chart, checks, schema and sinks', async () => {
    type Detail = {
      partitions: { count: number };
      versions: Array<{ partition: string }>;
      checks: { declared: Array<{ name: string }> };
      schema: Array<{ name: string }>;
    };
    await open('datasets/hourly_sales', '[data-testid="partition-timeline"][data-count]');
    await page.waitForSelector('table[aria-label="versions"] tbody tr');
    const detail = await api<Detail>('datasets/hourly_sales');
    await eventually(async () =>
      assert.equal(
        Number(await page.getAttribute('[data-testid="partition-timeline"]', 'data-count')),
        (await api<Detail>('datasets/hourly_sales')).partitions.count,
      ),
    );
    const shownPartitions = () => page.$$eval('table[aria-label="versions"] tbody tr td:first-child', (tds) => tds.map((td) => td.textContent ?? ''));
    // The demo keeps building: the page and the API agree once the page has refreshed.
    await eventually(
      async () =>
        assert.deepEqual(
          await shownPartitions(),
          (await api<Detail>('datasets/hourly_sales')).versions.map((v) => v.partition),
        ),
      30_000,
    );
    await screenshot(page, 'dataset-versions');

    // A click on a column of one partition opens that partition.
    const box = (await page.$('[data-testid="partition-timeline"] canvas'))!;
    const size = (await box.boundingBox())!;
    await page.mouse.click(size.x + size.width - 3, size.y + size.height / 2);
    await page.waitForFunction('window.location.hash.includes("partition=")');
    const partition = new URLSearchParams(page.url().split('?')[1]).get('partition');
    assert.ok(partition, 'a partition is selected');
    await page.waitForSelector(`table[aria-label="versions"] tbody tr td:first-child >> text=${partition}`);
    assert.deepEqual([...new Set(await shownPartitions())], [partition], 'only the versions of that partition');

    await page.click('a[role="tab"] >> text=rows');
    await page.waitForSelector('table.data tbody tr');
    const rows = await api<{ rowCount: number }>(`datasets/hourly_sales/rows?partition=${encodeURIComponent(partition)}&limit=200`);
    assert.equal(await page.$$eval('table.data tbody tr', (trs) => trs.length), rows.rowCount);
    assert.ok(await page.$('figure.chart svg'), 'a quick chart of the rows');
    await screenshot(page, 'dataset-rows');

    await page.click('a[role="tab"] >> text=checks');
    await page.waitForSelector('table[aria-label="check results"] tbody tr');
    for (const c of detail.checks.declared) assert.ok(await page.$(`table[aria-label="declared checks"] >> text=${c.name}`), `check ${c.name}`);
    await screenshot(page, 'dataset-checks');

    await page.click('a[role="tab"] >> text=schema');
    await page.waitForSelector('ol[aria-label="schema history"] li');
    const columns = await page.$$eval('table[aria-label="schema"] tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(
      columns,
      detail.schema.map((c) => c.name),
    );

    await open('datasets/daily_sales?tab=sinks', 'table[aria-label="sinks"] tbody tr');
    assert.match((await page.textContent('table[aria-label="sinks"] tbody tr')) ?? '', /sqlite/);
    await screenshot(page, 'dataset-sinks');
  });

  it('dataset: check failures show their failing rows', async () => {
    type Failed = { checks: Array<{ key: string; check: string; failingRows: number; sample: Array<{ device_id: string }> }> };
    const [flagged] = (await api<Failed>('checks?dataset=flagged_readings&failed=true&limit=1')).checks;
    assert.ok(flagged, 'flagged_readings has a failed check');
    assert.equal(flagged.check, 'every_reading_flagged');
    assert.ok(
      flagged.failingRows > 0 && flagged.sample.length > 0,
      `${flagged.key}: ${flagged.failingRows} failing rows, ${flagged.sample.length} in the sample`,
    );
    const route = `checks?dataset=flagged_readings&partition=${encodeURIComponent(flagged.key)}&failed=true&limit=100`;
    await open(`datasets/flagged_readings?tab=checks&failed=true&partition=${encodeURIComponent(flagged.key)}`, 'tr.sample-row table.data tbody tr');
    // One table of failing rows under each failed result of the partition, as many rows as its sample, the sample's own.
    await eventually(async () => {
      const shown = await page.$$eval('tr.sample-row', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('table.data tbody tr td:first-child')].map((td) => td.textContent)),
      );
      assert.deepEqual(
        shown,
        (await api<Failed>(route)).checks.map((c) => c.sample.map((r) => r.device_id)),
      );
    });
    await screenshot(page, 'dataset-failing-rows');
  });

  it('runs: filters, timings, the log and error of a failed run, retry and cancel', async () => {
    await open('runs', 'table[aria-label="runs"] tbody tr');
    await page.selectOption('form[aria-label="run filters"] label:has-text("Status") select', 'failed');
    await page.waitForFunction(`[...document.querySelectorAll('table[aria-label="runs"] tbody tr .badge')].every((b) => b.textContent === 'failed')`);
    await page.selectOption('form[aria-label="run filters"] label:has-text("Dataset") select', 'device_alerts');
    await page.waitForSelector('table[aria-label="runs"] tbody tr >> text=the alert threshold table is missing');
    await screenshot(page, 'runs');

    const [failed] = (await api<{ runs: Run[] }>('runs?dataset=device_alerts&status=failed')).runs;
    await page.click(`tr[data-run="${failed!.id}"] td:first-child a`);
    await page.waitForSelector('pre.log div');
    assert.match((await page.textContent('.error-box pre')) ?? '', /the alert threshold table is missing/);
    await page.click('button:has-text("Retry")');
    await page.waitForSelector('.notice >> text=Queued a new build');
    await until(
      'the retry to run',
      async () => ((await api<{ runs: Run[] }>('runs?dataset=device_alerts&cause=retry')).runs.length > 0 ? true : undefined),
      30_000,
      250,
    );
    await screenshot(page, 'run-failed');

    const running = await until(
      'slow_summary to be building',
      async () => (await api<{ runs: Run[] }>('runs?dataset=slow_summary&status=running')).runs[0],
      60_000,
      250,
    );
    await open(`runs/${running.id}`, 'button:has-text("Cancel"):not([disabled])');
    await page.click('button:has-text("Cancel")');
    await page.waitForSelector('.run-actions .badge >> text=cancelled', { timeout: 30_000 });
    await screenshot(page, 'run-cancelled');
  });

  it('streams: rates, landing latency, and dead letters with reasons and payloads', async () => {
    await open('streams', 'table[aria-label="streams"] tbody tr');
    const { streams } = await api<{ streams: Array<{ name: string }> }>('streams');
    assert.deepEqual(
      await page.$$eval('table[aria-label="streams"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-stream'))),
      streams.map((s) => s.name),
    );
    await screenshot(page, 'streams');
    await open('streams/device_events', `table[aria-label="dead letters"] >> text=${MARKER}`);
    const row = page.locator('table[aria-label="dead letters"] tbody tr', { hasText: MARKER });
    assert.match((await row.textContent()) ?? '', /degrees_fahrenheit: must be number/);
    await row.locator('summary').click();
    assert.match((await row.locator('details pre').textContent()) ?? '', /"degrees_fahrenheit": "warm"/);
    await screenshot(page, 'stream');
  });

  it('SQL console: a query, its result table and a chart chosen from its columns', async () => {
    const sql = 'select device_id, count(*) as readings, avg(degrees_fahrenheit) as mean_f from clean_device_events group by device_id order by device_id';
    const expected = (await (
      await fetch(`${url}/api/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql }) })
    ).json()) as { rows: Array<{ device_id: string }> };
    await open('sql', 'textarea[aria-label="SQL"]');
    await page.fill('textarea[aria-label="SQL"]', sql);
    await page.press('textarea[aria-label="SQL"]', 'Control+Enter');
    await page.waitForSelector('[data-testid="result-summary"]');
    const ids = await page.$$eval('table.data tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(
      ids,
      expected.rows.map((r) => r.device_id),
    );
    assert.equal(await page.inputValue('select[aria-label="chart type"]'), 'bar');
    assert.equal(await page.$$eval('figure.chart rect.bar', (bars) => bars.length), expected.rows.length * 2);
    await page.selectOption('select[aria-label="chart type"]', 'line');
    assert.equal(await page.$$eval('figure.chart path.series', (lines) => lines.length), 2);
    await screenshot(page, 'sql');

    await page.fill('textarea[aria-label="SQL"]', 'delete from daily_sales');
    await page.click('button:has-text("Run")');
    await page.waitForSelector('.error-box >> text=The query failed');
  });

  it('said nothing on the console', () => {
    // The forbidden statement's 400 is the one error the browser logs on purpose.
    assert.deepEqual(
      errors.filter((e) => !/status of 400/.test(e)),
      [],
    );
  });
});
