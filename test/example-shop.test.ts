/**
 * The example project builds end to end from its sample data: every dataset
 * gets partitions, nothing fails, and the numbers agree across the chain.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { ROOT, pond, pondJson, spawnPond } from './helpers/project.ts';

describe('examples/shop', () => {
  it('loads its sample data and builds every dataset', { timeout: 300_000 }, () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pond-shop-')), 'shop');
    cpSync(path.join(ROOT, 'examples/shop'), dir, { recursive: true, filter: (src) => !src.includes('.pond') });
    // Outside this repository the project needs its own package.json (pond says so otherwise).
    assert.match(pond(dir, 'status').stderr, /"type": "module"/);
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    try {
      for (const stream of ['users', 'device_events', 'user_events', 'web_events']) {
        const r = pondJson<{ accepted: number; deadLetters: number }>(dir, 'load', stream, path.join(dir, 'data', `${stream}.ndjson`));
        assert.ok(r.accepted > 0, `${stream} accepted events`);
      }
      const build = pond(dir, 'build', '--to', '2026-11-22');
      assert.equal(build.status, 0, build.stderr);
      const status = pondJson<{ datasets: Array<{ dataset: string; partitions: number; failed: number }> }>(dir, 'status');
      for (const d of status.datasets) {
        assert.ok(d.partitions > 0, `${d.dataset} has partitions`);
        assert.equal(d.failed, 0, `${d.dataset} has no failed partitions`);
      }
      const [sums] = pondJson<Array<{ items: number; hourly: number; daily: number }>>(
        dir,
        'query',
        `select (select sum(revenue) from purchase_items where time_utc < '2026-11-21') as items,
                (select sum(revenue) from hourly_sales where hour < '2026-11-21') as hourly,
                (select sum(revenue) from daily_sales where day = '2026-11-20') as daily`,
      );
      assert.ok(sums && sums.items > 0);
      assert.equal(Number(sums.hourly), Number(sums.items));
      assert.equal(Number(sums.daily), Number(sums.items));
      // daily_sales is published to the SQLite serving file as it builds: exactly the current versions' rows.
      const [lake] = pondJson<Array<{ n: number; revenue: number | string }>>(dir, 'query', 'select count(*) as n, sum(revenue) as revenue from daily_sales');
      const served = new Sqlite(path.join(dir, '.pond/serve.db'), { readonly: true });
      const published = served.prepare('select count(*) as n, sum(revenue) as revenue from daily_sales').get() as { n: number; revenue: number };
      served.close();
      assert.equal(published.n, lake?.n);
      assert.ok(Math.abs(published.revenue - Number(lake?.revenue)) < 0.01);
      const dead = pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from dead_letters');
      assert.ok((dead[0]?.n ?? 0) > 0, 'the malformed sample events are in the dead letters');
      // Every transformation of the example is deterministic: rebuilding reproduces every partition.
      const verify = pond(dir, 'verify', '--json');
      assert.equal(verify.status, 0, verify.stdout + verify.stderr);
      const report = JSON.parse(verify.stdout) as { total: number; same: number };
      assert.ok(report.total > 0 && report.same === report.total, `${report.same} of ${report.total} partitions reproduce`);
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});

describe('npm start (pond up --demo on examples/shop)', () => {
  it('lands a day of generated events into an empty lake, builds every dataset, and stops on Ctrl-C', { timeout: 120_000 }, async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pond-start-')), 'shop');
    cpSync(path.join(ROOT, 'examples/shop'), dir, { recursive: true, filter: (src) => !src.includes('.pond') });
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    const up = spawnPond(dir, 'up', '--demo');
    let output = '';
    up.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    up.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 90_000;
      while (!/ready: /.test(output) && Date.now() < deadline && up.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      assert.match(output, /the lake is empty; landing the last 24 hours/);
      // Once the backfill has landed and been built, and in a summary, not a line per build round.
      assert.match(output, /ready: the demo's last 24 hours are landed and built \(\d+ partitions\)/, output);
      assert.match(output, /built \d+ partitions/, output);
    } finally {
      up.kill('SIGINT');
      await new Promise((resolve) => up.on('exit', resolve));
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
    assert.match(output, /stopped/);
    assert.doesNotMatch(output, /failed/);
    assert.doesNotMatch(output, /demo: sent/, 'the demo is summed, not logged per request');
  });
});
