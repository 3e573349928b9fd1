/**
 * Quality checks end to end: a version that fails an `error` check is
 * quarantined, the previous version stays current, the partition fails and
 * its dependants wait; `pond checks --failed` shows the failing rows with
 * their keys; fixing the input (or the code) makes the next build pass and
 * the dependants run. Results are kept per version, never overwritten.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { KeyHierarchy } from '../src/privacy/index.ts';
import { EVENTS_SCHEMA, ROOT, makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

interface CheckRow {
  dataset: string;
  key: string;
  check: string;
  severity: string;
  status: string;
  versionId: string;
  versionState: string;
  current: boolean;
  failingRows: number;
  sample: Array<Record<string, unknown>>;
  keyColumns: string[];
}

const pipeline = (filter: string) => `import { check, dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', start: '2026-11-23' });
export const clean = dataset({
  name: 'clean_orders',
  inputs: { events },
  key: ['user_id', 'time_utc'],
  checks: [
    check.range('amount', { min: 0 }),
    check.notNull('user_id', { severity: 'warn' }),
    check.rowCount({ max: 1000 }),
    check.sql('no_test_users', "select * from clean_orders where user_id like 'test-%'", { severity: 'warn' }),
  ],
  sql: 'select user_id, time_utc, amount from events ${filter} order by time_utc',
});
export const totals = dataset({ name: 'order_totals', inputs: { clean }, sql: 'select count(*) as orders, sum(amount) as total from clean' });
`;

describe('checks', () => {
  it('quarantine a failing dataset version, stop its dependants, and pass again once fixed', { timeout: 120_000 }, () => {
    const dir = makeProject({ 'pipelines/p.ts': pipeline(''), 'schemas/events.json': EVENTS_SCHEMA });
    try {
      const good = [
        { user_id: 'u1', time_utc: '2026-11-23T10:05:00Z', amount: 10 },
        { user_id: 'u2', time_utc: '2026-11-23T11:05:00Z', amount: 20 },
        // Moves the watermark past hours 10 and 11.
        { user_id: 'u9', time_utc: '2026-11-23T13:00:00Z', amount: 1 },
      ];
      writeFileSync(path.join(dir, 'good.ndjson'), ndjson(good));
      const loaded = pond(dir, 'load', 'events', path.join(dir, 'good.ndjson'));
      assert.equal(loaded.status, 0, loaded.stderr);
      const first = pond(dir, 'build');
      assert.equal(first.status, 0, first.stderr);

      // A batch with a negative amount in hour 11.
      writeFileSync(path.join(dir, 'bad.ndjson'), ndjson([{ user_id: 'u3', time_utc: '2026-11-23T11:30:00Z', amount: -5 }]));
      assert.equal(pond(dir, 'load', 'events', path.join(dir, 'bad.ndjson')).status, 0);
      const totalsBefore = pondJson<Array<{ total: number }>>(dir, 'query', 'select total from order_totals');
      const failed = pond(dir, 'build');
      assert.equal(failed.status, 1, failed.stdout + failed.stderr);
      assert.match(failed.stdout + failed.stderr, /check range\(amount\) failed: 1 row/);

      // The previous version stays current: the negative amount is not in use.
      const rows = pondJson<Array<{ user_id: string }>>(dir, 'query', "select user_id from clean_orders where time_utc >= '2026-11-23T11:00:00Z' order by 1");
      assert.deepEqual(
        rows.map((r) => r.user_id),
        ['u2'],
      );
      const status = pondJson<{ datasets: Array<{ dataset: string; failed: number; checks: string }> }>(dir, 'status');
      const clean = status.datasets.find((d) => d.dataset === 'clean_orders');
      assert.equal(clean?.failed, 1);
      assert.equal(clean?.checks, '1 failing');
      // Its dependant did not run on it.
      assert.deepEqual(pondJson<Array<{ total: number }>>(dir, 'query', 'select total from order_totals'), totalsBefore);
      const runs = pondJson<Array<{ dataset: string; status: string }>>(dir, 'runs', '--limit', '100');
      assert.equal(runs.filter((r) => r.dataset === 'order_totals').length, 2, 'order_totals ran only in the first build');

      // The failure, with the failing row and its keys, from the CLI.
      const shown = pond(dir, 'checks', 'clean_orders', '--failed');
      assert.equal(shown.status, 0, shown.stderr);
      assert.match(shown.stdout, /✗ clean_orders 2026-11-23T11:00Z\/PT1H {2}range\(amount\) {2}\[error\]/);
      assert.match(shown.stdout, /\(quarantined\)/);
      assert.match(shown.stdout, /failing rows, first 1 of 1 \(key: user_id, time_utc\)/);
      assert.match(shown.stdout, /u3 .*-5/);
      const [failure] = pondJson<CheckRow[]>(dir, 'checks', 'clean_orders', '--failed');
      assert.equal(failure?.versionState, 'quarantined');
      assert.deepEqual(failure?.keyColumns, ['user_id', 'time_utc']);
      assert.deepEqual(Object.keys(failure?.sample[0] ?? {}).slice(0, 3), ['user_id', 'time_utc', 'amount']);

      // Fixing the transformation: the partition builds, passes, and the dependant runs.
      writeFileSync(path.join(dir, 'pipelines/p.ts'), pipeline('where amount >= 0'));
      const fixed = pond(dir, 'build');
      assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
      assert.deepEqual(pondJson(dir, 'query', 'select orders, total from order_totals where orders > 0 order by total'), [
        { orders: 1, total: 10 },
        { orders: 1, total: 20 },
      ]);
      assert.equal(
        pondJson<{ datasets: Array<{ dataset: string; failed: number }> }>(dir, 'status').datasets.find((d) => d.dataset === 'clean_orders')?.failed,
        0,
      );
      // History is never overwritten: both versions of hour 11 keep their results.
      const hour11 = pondJson<CheckRow[]>(dir, 'checks', 'clean_orders', '--partition', '2026-11-23T11:00Z/PT1H', '--limit', '100').filter(
        (r) => r.check === 'range(amount)',
      );
      assert.deepEqual(hour11.map((r) => [r.status, r.versionState]).sort(), [
        ['fail', 'quarantined'],
        ['pass', 'committed'],
        ['pass', 'committed'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('examples/shop: a bad batch into a checked stream is quarantined until a corrected batch arrives', { timeout: 300_000 }, () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pond-shop-checks-')), 'shop');
    cpSync(path.join(ROOT, 'examples/shop'), dir, { recursive: true, filter: (src) => !src.includes('.pond') });
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    try {
      for (const stream of ['users', 'user_events']) assert.equal(pond(dir, 'load', stream, path.join(dir, 'data', `${stream}.ndjson`)).status, 0);
      const built = pond(dir, 'build', 'purchase_items', 'hourly_sales', '--to', '2026-11-21');
      assert.equal(built.status, 0, built.stderr);
      const before = pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from users');

      // A generated batch of profile updates from an app release with a clock bug: emitted before the signup.
      const profiles = readFileSync(path.join(dir, 'data/users.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .slice(0, 4)
        .map((l) => JSON.parse(l) as Record<string, string>);
      const emitted = (i: number) => `2026-11-21T08:0${i}:00Z`;
      const bad = profiles.map((p, i) => ({
        ...p,
        plan: 'pro',
        time_utc: emitted(i),
        signup_time_utc: i % 2 === 0 ? '2026-11-21T09:00:00Z' : (p.signup_time_utc as string),
      }));
      writeFileSync(path.join(dir, 'bad-users.ndjson'), ndjson(bad));
      const load = pond(dir, 'load', 'users', path.join(dir, 'bad-users.ndjson'));
      assert.equal(load.status, 1, 'the load reports that its data is not in use');
      assert.match(load.stdout, /quarantined/);
      assert.match(load.stdout, /signed_up_before_emitted failed: 2 rows/);
      assert.deepEqual(pondJson(dir, 'query', 'select count(*) as n from users'), before, 'the quarantined batch is not in use');

      const [failure] = pondJson<CheckRow[]>(dir, 'checks', 'users', '--failed');
      assert.equal(failure?.check, 'signed_up_before_emitted');
      assert.equal(failure?.versionState, 'quarantined');
      assert.equal(failure?.failingRows, 2);
      // user_id identifies the data subject: it landed as its pseudonym (the project's master key gives the same).
      const keys = new KeyHierarchy(Buffer.from(readFileSync(path.join(dir, '.pond', 'master.key'), 'utf8').trim(), 'base64'));
      assert.deepEqual(
        failure?.sample.map((r) => r.user_id).sort(),
        [profiles[0]?.user_id, profiles[2]?.user_id].map((id) => keys.pseudonym(String(id))).sort(),
      );

      // The dependants wait: the purchases of 2026-11-21 are cleaned, but from 08:00, when the
      // quarantined profiles were emitted, nothing that looks profiles up is built.
      const runsBefore = pondJson<unknown[]>(dir, 'runs', '--limit', '10000').length;
      const waiting = pond(dir, 'build', 'purchase_items', 'hourly_sales', '--to', '2026-11-22');
      assert.equal(waiting.status, 0, waiting.stderr);
      const whileFailed = pondJson<Array<{ dataset: string; key: string }>>(dir, 'runs', '--limit', '10000').slice(0, -runsBefore);
      assert.ok(
        whileFailed.some((r) => r.dataset === 'clean_purchases' && r.key >= '2026-11-21T08'),
        'clean_purchases ran',
      );
      assert.ok(
        whileFailed.some((r) => r.dataset === 'purchase_items' && r.key < '2026-11-21T08'),
        'purchase_items ran before the failed hour',
      );
      const onUsers = whileFailed.filter((r) => r.dataset !== 'clean_purchases' && r.key >= '2026-11-21T08');
      assert.deepEqual(onUsers, [], 'nothing that reads the failed hour of users ran');
      const purchaseStatus = pondJson<{ datasets: Array<{ dataset: string; fresh: number; stale: number }> }>(dir, 'status').datasets.find(
        (d) => d.dataset === 'purchase_items',
      );
      assert.equal(purchaseStatus?.fresh, 32, 'the hours before 2026-11-21T08:00 are built');
      assert.ok((purchaseStatus?.stale ?? 0) >= 15, 'the hours from 2026-11-21T08:00 wait');

      // The corrected batch lands, passes, and what depends on users is rebuilt with it.
      const fixed = bad.map((p, i) => ({ ...p, signup_time_utc: profiles[i]?.signup_time_utc }));
      writeFileSync(path.join(dir, 'fixed-users.ndjson'), ndjson(fixed));
      const reload = pond(dir, 'load', 'users', path.join(dir, 'fixed-users.ndjson'));
      assert.equal(reload.status, 0, reload.stdout + reload.stderr);
      assert.equal(pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from users')[0]?.n, (before[0]?.n ?? 0) + 4);
      const runsAfterWait = pondJson<unknown[]>(dir, 'runs', '--limit', '10000').length;
      const rebuilt = pond(dir, 'build', 'purchase_items', 'hourly_sales', '--to', '2026-11-22');
      assert.equal(rebuilt.status, 0, rebuilt.stderr);
      const runs = pondJson<Array<{ dataset: string; key: string; status: string }>>(dir, 'runs', '--limit', '10000').slice(0, -runsAfterWait);
      assert.ok(
        runs.some((r) => r.dataset === 'purchase_items' && r.key >= '2026-11-21T08' && r.status === 'succeeded'),
        'purchase_items ran',
      );
      assert.ok(
        runs.some((r) => r.dataset === 'hourly_sales' && r.key >= '2026-11-21T08' && r.status === 'succeeded'),
        'hourly_sales ran',
      );
      assert.ok(runs.every((r) => r.status === 'succeeded'));
      const usersStatus = pondJson<{ streams: Array<{ stream: string; checks: string }> }>(dir, 'status').streams.find((s) => s.stream === 'users');
      assert.equal(usersStatus?.checks, 'passing');
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
