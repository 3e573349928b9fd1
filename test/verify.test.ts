/**
 * `pond verify` through the real binary: it rebuilds partitions from the input
 * versions they recorded and finds exactly the non-deterministic datasets'
 * partitions, whatever order rows come in, without touching the lake's
 * visible state; late data and code changes are told apart from
 * non-determinism.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

const pipeline = (jitterSql: string) => `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m' });
// Deterministic, though its rows come out in a random order: verify compares multisets of rows.
export const hourly = dataset({ name: 'hourly', inputs: { events }, sql: 'select user_id, sum(amount) as amount, count(*) as n from events group by user_id order by random()' });
export const daily = dataset({
  name: 'daily', partition: 'day', inputs: { h: hourly }, columns: { user_id: 'VARCHAR', amount: 'DOUBLE' },
  async *transform({ inputs }) {
    const sums = new Map();
    for (const r of await inputs.h.all()) sums.set(r.user_id, (sums.get(r.user_id) ?? 0) + Number(r.amount));
    yield [...sums].map(([user_id, amount]) => ({ user_id, amount }));
  },
});
// Not deterministic: SQL with random(), and a TypeScript transform with Math.random().
export const jitter = dataset({ name: 'jitter', inputs: { events }, sql: ${JSON.stringify(jitterSql)} });
export const draws = dataset({
  name: 'draws', partition: 'day', inputs: { h: hourly }, columns: { user_id: 'VARCHAR', draw: 'DOUBLE' },
  async *transform({ inputs }) {
    for (const r of await inputs.h.all()) yield { user_id: r.user_id, draw: Math.random() };
  },
});
`;

interface Verification {
  dataset: string;
  key: string;
  verdict: 'same' | 'differs' | 'code-changed' | 'error';
  stale: string | null;
  rows?: { current: number; rebuilt: number };
  columns?: string[];
  schemaChanges?: string[];
}
interface Report {
  total: number;
  same: number;
  differs: number;
  codeChanged: number;
  errors: number;
  stale: number;
  partitions: Verification[];
}

function verifyJson(dir: string, ...args: string[]): { status: number; report: Report; stderr: string } {
  const r = pond(dir, 'verify', ...args, '--json');
  return { status: r.status, report: JSON.parse(r.stdout || '{}') as Report, stderr: r.stderr };
}

describe('pond verify', () => {
  const dir = makeProject({ 'pipelines/p.ts': pipeline('select user_id, amount, random() as noise from events'), 'schemas/events.json': EVENTS_SCHEMA });
  const hours = [0, 1, 2, 3];
  // Four hours with events on the 20th, and a marker on the 21st that completes the day.
  const events = [
    ...hours.flatMap((h) => [0, 1, 2].map((u) => ({ user_id: `u${u}`, time_utc: `2026-11-20T0${h}:1${u}:00Z`, amount: h * 10 + u }))),
    { user_id: 'm', time_utc: '2026-11-21T00:30:00Z', amount: 0 },
  ];
  writeFileSync(path.join(dir, 'events.ndjson'), ndjson(events));
  const staging = path.join(dir, '.pond', 'lake', '_staging');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds exactly the partitions of the non-deterministic datasets, and leaves no trace', () => {
    pondJson(dir, 'load', 'events', path.join(dir, 'events.ndjson'));
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr);
    const runsBefore = pondJson<unknown[]>(dir, 'runs', '--limit', '1000').length;

    const { status, report, stderr } = verifyJson(dir);
    assert.equal(status, 1, stderr);
    assert.equal(report.total, 24 + 1 + 24 + 1);
    const differing = report.partitions.filter((p) => p.verdict !== 'same').map((p) => `${p.dataset} ${p.key} ${p.verdict}`);
    // Hours without events give empty partitions, which reproduce whatever the code does with rows.
    assert.deepEqual(differing.sort(), ['draws 2026-11-20T00:00Z/P1D differs', ...hours.map((h) => `jitter 2026-11-20T0${h}:00Z/PT1H differs`)]);
    const jitter = report.partitions.find((p) => p.dataset === 'jitter' && p.verdict === 'differs');
    assert.deepEqual(jitter?.rows, { current: 3, rebuilt: 3 });
    assert.deepEqual(jitter?.columns, ['noise'], 'the per-column fingerprints point at the random column');
    assert.deepEqual(jitter?.schemaChanges, []);
    assert.equal(report.stale, 0);

    // Nothing visible changed: no run, no version, no file left in staging.
    assert.equal(pondJson<unknown[]>(dir, 'runs', '--limit', '1000').length, runsBefore);
    assert.match(pond(dir, 'build').stdout, /Nothing to build/);
    assert.deepEqual(readdirSync(staging), []);

    const text = pond(dir, 'verify');
    assert.equal(text.status, 1);
    assert.match(text.stdout, /Verified 50 partitions in [\d.]+ s: 45 reproduce, 5 differ\./);
    assert.match(text.stdout, /jitter 2026-11-20T00:00Z\/PT1H: 3 rows now, 3 rebuilt; values differ in noise/);
  });

  it('exits 0 for deterministic datasets, and takes --from and --to as pond build does', () => {
    const { status, report } = verifyJson(dir, 'hourly', 'daily');
    assert.equal(status, 0);
    assert.equal(report.same, 25);
    const window = verifyJson(dir, 'jitter', '--from', '2026-11-20T01:30Z', '--to', '2026-11-20T03:00Z');
    assert.deepEqual(
      window.report.partitions.map((p) => p.key),
      ['2026-11-20T01:00Z/PT1H', '2026-11-20T02:00Z/PT1H'],
    );
    assert.equal(window.status, 1);
  });

  it('verifies a partition whose input changed since against the input versions it was built from', () => {
    writeFileSync(path.join(dir, 'late.ndjson'), ndjson([{ user_id: 'u0', time_utc: '2026-11-20T02:45:00Z', amount: 1000 }]));
    pondJson(dir, 'load', 'events', path.join(dir, 'late.ndjson'));
    // hourly 02 now reads an older events version than the current one.
    const first = verifyJson(dir, 'hourly');
    assert.equal(first.status, 0, first.stderr);
    const stale = first.report.partitions.filter((p) => p.stale !== null);
    assert.deepEqual(
      stale.map((p) => [p.key, p.verdict, p.stale]),
      [['2026-11-20T02:00Z/PT1H', 'same', 'input events 2026-11-20T02:00Z/PT1H has a newer version']],
    );

    // Rebuild hourly but not daily: daily's day now reads an hourly version that is no longer current.
    assert.equal(pond(dir, 'build', 'hourly').status, 0);
    const second = verifyJson(dir, 'hourly', 'daily');
    assert.equal(second.status, 0, second.stderr);
    const daily = second.report.partitions.find((p) => p.dataset === 'daily');
    assert.equal(daily?.verdict, 'same');
    assert.equal(daily?.stale, 'input hourly 2026-11-20T02:00Z/PT1H has a newer version');
    assert.equal(second.report.stale, 1);
  });

  it('reports a code change since the build as such, not as a difference', () => {
    writeFileSync(path.join(dir, 'pipelines/p.ts'), pipeline('select user_id, amount, 0.5 as noise from events'));
    const { status, report } = verifyJson(dir, 'jitter');
    assert.equal(status, 0);
    assert.equal(report.codeChanged, 24);
    assert.equal(report.differs, 0);
  });

  it('refuses unknown datasets, streams and bad times with exit code 2', () => {
    const unknown = pond(dir, 'verify', 'nope');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown dataset "nope"/);
    assert.match(pond(dir, 'verify', 'events').stderr, /"events" is a stream/);
    assert.equal(pond(dir, 'verify', '--from', 'yesterday-ish').status, 2);
  });
});
