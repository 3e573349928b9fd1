/**
 * End to end through the real `pond` binary on the embedded engines: build,
 * query, idempotent rebuilds, and late data rebuilding exactly what it touched.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

const PIPELINE = `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m' });
export const hourly = dataset({ name: 'hourly', inputs: { events }, sql: 'select user_id, sum(amount) as amount, count(*) as n from events group by user_id' });
export const daily = dataset({ name: 'daily', partition: 'day', inputs: { h: hourly }, sql: 'select user_id, sum(amount) as amount, sum(n) as n from h group by user_id' });
export const rolling = dataset({ name: 'rolling', partition: 'day', inputs: { h: { from: hourly, map: { last: '2d' } } }, sql: 'select count(distinct user_id) as users, sum(n) as n from h' });
`;

function events(day: string, hours: number[]): Array<Record<string, unknown>> {
  return hours.map((h, i) => ({ user_id: `u${i % 3}`, time_utc: `${day}T${String(h).padStart(2, '0')}:15:00Z`, amount: h + 1 }));
}

interface PlanReport {
  total: number;
  datasets: Array<{ name: string; planned: number; ranges: Array<{ from: string; to: string; partitions: number; reason: string }> }>;
}

describe('pond build', () => {
  const dir = makeProject({ 'pipelines/events.ts': PIPELINE, 'schemas/events.json': EVENTS_SCHEMA });
  // Every build plans as of a minute after the newest event, however long the
  // tests take: on the wall clock, the stream turns idle once its lateness has
  // passed since the last load, and its watermark would jump to now, weeks later.
  const asOf = ['--now', '2026-11-22T01:16Z'];
  // Two full days and a marker event on the third that moves the watermark past them.
  const all = [...events('2026-11-20', [...Array(24).keys()]), ...events('2026-11-21', [...Array(24).keys()]), ...events('2026-11-22', [1])];
  writeFileSync(path.join(dir, 'events.ndjson'), ndjson(all) + '{"user_id": 5, "time_utc": "2026-11-20T01:00:00Z", "amount": 1}\nnot json\n');

  it('loads events and sends the invalid ones to the dead letters with the reason', () => {
    const r = pondJson<{ accepted: number; deadLetters: number }>(dir, 'load', 'events', path.join(dir, 'events.ndjson'));
    assert.equal(r.accepted, 49);
    assert.equal(r.deadLetters, 2);
    const dead = pondJson<Array<{ reason: string; _raw: string }>>(dir, 'query', 'select reason, _raw from dead_letters order by reason');
    assert.match(dead[0]?.reason ?? '', /line 50: does not match schema schemas\/events.json: user_id: must be string/);
    assert.match(dead[1]?.reason ?? '', /line 51: not JSON/);
    assert.equal(dead[1]?._raw, 'not json');
  });

  it('plans with reasons, builds, and answers queries', () => {
    const plan = pondJson<PlanReport>(dir, 'build', '--dry-run', ...asOf);
    const byName = Object.fromEntries(plan.datasets.map((d) => [d.name, d]));
    assert.equal(byName.hourly?.planned, 49); // 2026-11-20T00 … 2026-11-22T00: the 01:15 marker leaves 01:00 incomplete
    assert.equal(byName.daily?.planned, 2);
    assert.equal(byName.hourly?.ranges[0]?.reason, 'missing');
    const build = pond(dir, 'build', ...asOf);
    assert.equal(build.status, 0, build.stderr);
    assert.match(build.stdout, /Built 53 partitions/);
    const rows = pondJson<Array<{ n: number; amount: number }>>(dir, 'query', 'select sum(n) as n, sum(amount) as amount from daily');
    assert.deepEqual(rows, [{ n: 48, amount: (2 * (24 * 25)) / 2 }]);
  });

  it('does nothing, and says so, when nothing changed', () => {
    const again = pond(dir, 'build', ...asOf);
    assert.equal(again.status, 0);
    assert.match(again.stdout, /Nothing to build/);
  });

  it('rebuilds exactly the partitions that late data touched', () => {
    writeFileSync(path.join(dir, 'late.ndjson'), ndjson([{ user_id: 'late', time_utc: '2026-11-20T05:30:00Z', amount: 100 }]));
    pondJson(dir, 'load', 'events', path.join(dir, 'late.ndjson'));
    const plan = pondJson<PlanReport>(dir, 'build', '--dry-run', ...asOf);
    const summary = plan.datasets.filter((d) => d.planned > 0).map((d) => `${d.name}: ${d.ranges.map((r) => `${r.from}..${r.to} ${r.reason}`).join(', ')}`);
    assert.deepEqual(summary, [
      'hourly: 2026-11-20T05:00Z/PT1H..2026-11-20T05:00Z/PT1H input events changed',
      'daily: 2026-11-20T00:00Z/P1D..2026-11-20T00:00Z/P1D input hourly will be rebuilt',
      // a 2-day window ending with each day: the 20th and the 21st read hour 05 of the 20th
      'rolling: 2026-11-20T00:00Z/P1D..2026-11-21T00:00Z/P1D input hourly will be rebuilt',
    ]);
    const build = pond(dir, 'build', ...asOf);
    assert.match(build.stdout, /Built 4 partitions/);
    const rows = pondJson<Array<{ amount: number }>>(dir, 'query', "select amount from daily where user_id = 'late'");
    assert.deepEqual(rows, [{ amount: 100 }]);
    assert.match(pond(dir, 'build', ...asOf).stdout, /Nothing to build/);
  });

  it('rebuilds what --force names, and only that', () => {
    const r = pondJson<{ succeeded: number }>(dir, 'build', 'daily', '--force', '--from', '2026-11-21', '--to', '2026-11-22', ...asOf);
    // daily 21st, and the 24 hourly partitions of that day it depends on
    assert.equal(r.succeeded, 25);
  });

  it('shows status from ranges and the runs with their logs', () => {
    const status = pondJson<{ datasets: Array<{ dataset: string; fresh: number; stale: number }> }>(dir, 'status', ...asOf);
    // rolling was out of the forced build's scope: its 21st read the rebuilt hours and is stale now.
    assert.deepEqual(
      status.datasets.map((d) => [d.dataset, d.stale]),
      [
        ['hourly', 0],
        ['daily', 0],
        ['rolling', 1],
      ],
    );
    const runs = pondJson<Array<{ id: string; status: string }>>(dir, 'runs', '--limit', '5');
    assert.equal(runs.length, 5);
    const log = pondJson<{ logs: Array<{ message: string }> }>(dir, 'runs', runs[0]?.id ?? '');
    assert.ok(log.logs.some((l) => /committing version v/.test(l.message)));
    // The short id the table prints names the run too.
    const short = (runs[0]?.id ?? '').slice(0, 8);
    assert.match(pond(dir, 'runs', '--limit', '5').stdout, new RegExp(`^${short} `, 'm'));
    assert.equal(pondJson<{ run: { id: string } }>(dir, 'runs', short).run.id, runs[0]?.id);
    assert.equal(pond(dir, 'runs', 'zzzzzzzz').status, 2);
  });
});

describe('a failing transformation', () => {
  it('names the dataset, the partition and the file, exits 1, and keeps the error for pond runs', () => {
    const dir = makeProject({
      'pipelines/events.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const broken = dataset({ name: 'broken', inputs: { events }, sql: 'select cast(user_id as integer) as n from events', retries: { attempts: 1 } });
`,
      'schemas/events.json': EVENTS_SCHEMA,
      'e.ndjson': ndjson([...events('2026-11-20', [1]), ...events('2026-11-20', [3])]),
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    const r = pond(dir, 'build');
    assert.equal(r.status, 1);
    // SQL that binds (a column it lacks would stop the build before it starts, exit 2) but fails on the data.
    assert.match(r.stderr, /pipelines\/events.ts: dataset "broken" partition 2026-11-20T01:00Z\/PT1H: SQL failed: Conversion Error: .*'u0'/);
    const failed = pondJson<Array<{ error: string }>>(dir, 'runs', '--failed');
    assert.match(failed[0]?.error ?? '', /Conversion Error: .*'u0'/);
  });
});

describe('pond status of a dataset with failed partitions', () => {
  it('never says its checks are passing: the failed partitions had no version to check', () => {
    const dir = makeProject({
      'pipelines/events.ts': `
import { check, dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const picky = dataset({
  name: 'picky',
  inputs: { events },
  retries: { attempts: 1 },
  checks: [check.notNull('amount')],
  sql: "select user_id, case when amount > 100 then error('amount over 100') else amount end as amount from events",
});
`,
      'schemas/events.json': EVENTS_SCHEMA,
      'e.ndjson': ndjson([
        { user_id: 'a', time_utc: '2026-11-20T01:15:00Z', amount: 1 },
        { user_id: 'b', time_utc: '2026-11-20T02:15:00Z', amount: 500 },
        { user_id: 'c', time_utc: '2026-11-20T03:15:00Z', amount: 2 },
      ]),
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    assert.equal(pond(dir, 'build').status, 1);
    const status = pondJson<{ datasets: Array<{ dataset: string; failed: number; checks: string }> }>(dir, 'status');
    const picky = status.datasets.find((d) => d.dataset === 'picky');
    assert.equal(picky?.failed, 1);
    assert.equal(picky?.checks, 'not run on 1 failed partition');
  });
});
