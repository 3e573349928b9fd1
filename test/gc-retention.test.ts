/**
 * Retention of superseded versions through the real binary: `pond gc
 * --dry-run --now <later>` lists exactly the versions beyond their stream's,
 * dataset's or the project's retention, `pond gc --now <later>` deletes
 * exactly those (state rows and files), current versions read back the same,
 * and `pond gc --log` shows what went. Then `kill -9` during `pond gc` never
 * leaves a version the state knows without its files, and the next `pond gc`
 * sweeps what the killed one left.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openStateStore, type Version } from '../src/state/index.ts';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, pondJson, spawnPond, until } from './helpers/project.ts';

const CONFIG = "import { defineConfig } from 'pond';\nexport default defineConfig({ name: 'gc', concurrency: 2, retention: { versions: { for: '30d' } } });\n";
const PIPELINE = `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '0s', retention: { versions: { keep: 0 } } });
export const per_hour = dataset({ name: 'per_hour', inputs: { events }, retention: { versions: { keep: 1, for: '20d' } }, sql: 'select user_id, count(*) as n, sum(amount) as amount from events group by user_id' });
export const daily = dataset({ name: 'daily', partition: 'day', inputs: { h: per_hour }, sql: 'select user_id, sum(n) as n, sum(amount) as amount from h group by user_id' });
`;
const DATASETS = ['events', 'per_hour', 'daily'];
const SNAPSHOT =
  "select 'events' as d, user_id, count(*) as n, sum(amount) as amount from events group by user_id union all select 'per_hour', user_id, sum(n), sum(amount) from per_hour group by user_id union all select 'daily', user_id, sum(n), sum(amount) from daily group by user_id order by 1, 2";
const DAY = 86_400_000;

interface GcJson {
  versions: Array<{ dataset: string; id: string; key: string }>;
  datasets: Array<{ dataset: string; versions: number; files: number; bytes: number; orphanFiles: number }>;
  orphans: { files: number; keys: string[] };
}

/**
 * A project with `count` events `stepMs` apart from `start`, loaded twice
 * (the second batch half a step later: two raw versions per partition).
 */
function project(pipeline = PIPELINE, start = Math.floor(Date.now() / DAY) * DAY - DAY + 3_600_000, count = 3, stepMs = 3_600_000): string {
  const dir = makeProject({ 'pond.config.ts': CONFIG, 'pipelines/p.ts': pipeline, 'schemas/events.json': EVENTS_SCHEMA });
  const batch = (offset: number) =>
    ndjson(
      Array.from({ length: count }, (_, h) => ({
        user_id: `u${h % 3}`,
        time_utc: new Date(start + h * stepMs + offset).toISOString(),
        amount: h + offset / 1000,
      })),
    );
  writeFileSync(path.join(dir, 'a.ndjson'), batch(stepMs / 4));
  writeFileSync(path.join(dir, 'b.ndjson'), batch((3 * stepMs) / 4));
  return dir;
}

/** Load, build, load more, build, then rebuild everything twice: superseded versions in every dataset. */
function buildHistory(dir: string): void {
  for (const args of [
    ['load', 'events', path.join(dir, 'a.ndjson')],
    ['build'],
    ['load', 'events', path.join(dir, 'b.ndjson')],
    ['build'],
    ['build', '--force'],
    ['build', '--force'],
  ]) {
    const r = pond(dir, ...args);
    assert.equal(r.status, 0, `pond ${args.join(' ')}: ${r.stderr}`);
  }
}

async function withState<T>(dir: string, fn: (state: Awaited<ReturnType<typeof openStateStore>>) => Promise<T>): Promise<T> {
  const state = await openStateStore({ sqlitePath: path.join(dir, '.pond/state.db') });
  try {
    return await fn(state);
  } finally {
    await state.close();
  }
}

/** Every version of the datasets, by partition, newest first. */
async function versionsByPartition(dir: string, datasets = DATASETS): Promise<Map<string, Version[]>> {
  return withState(dir, async (state) => {
    const out = new Map<string, Version[]>();
    for (const dataset of datasets) {
      for (const v of await state.listVersions(dataset)) {
        const key = `${dataset} ${v.key}`;
        out.set(key, [...(out.get(key) ?? []), v]);
      }
    }
    return out;
  });
}

/** Every version the state store knows has its manifest and every file it lists, whole. Returns the referenced lake keys. */
async function assertVersionsWhole(dir: string, datasets = DATASETS): Promise<Set<string>> {
  const lake = path.join(dir, '.pond/lake');
  const referenced = new Set<string>();
  for (const versions of (await versionsByPartition(dir, datasets)).values()) {
    for (const v of versions) {
      const manifest = `${v.prefix}/_manifest.json`;
      assert.ok(existsSync(path.join(lake, manifest)), `${v.dataset} ${v.key} ${v.id}: manifest is missing`);
      referenced.add(manifest);
      for (const f of v.files) {
        assert.equal(statSync(path.join(lake, f.path)).size, f.bytes, `${v.dataset} ${v.id}: ${f.path} is missing or not whole`);
        referenced.add(f.path);
      }
    }
  }
  return referenced;
}

function lakeFiles(dir: string): string[] {
  const root = path.join(dir, '.pond/lake');
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  for (const area of ['raw', 'datasets', 'dead-letter']) if (existsSync(path.join(root, area))) walk(area);
  return out;
}

const later = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe('pond gc: retention of superseded versions', () => {
  it('deletes exactly the versions beyond every limit set, state and files, and logs them', { timeout: 240_000 }, async () => {
    const dir = project();
    buildHistory(dir);
    const before = pondJson(dir, 'query', SNAPSHOT);
    const history = await versionsByPartition(dir);
    const committed = (key: string) => (history.get(key) ?? []).filter((v) => v.state === 'committed');
    // Newest first: [current, superseded 1, superseded 2, …].
    const superseded = (dataset: string, skip: number) =>
      [...history]
        .filter(([k]) => k.startsWith(`${dataset} `))
        .flatMap(([k]) =>
          committed(k)
            .slice(1 + skip)
            .map((v) => v.id),
        );
    const rawOld = superseded('events', 0);
    assert.equal(rawOld.length, 3, 'the first load of each hour is superseded by the second');

    // In 10 days: only the stream's `keep: 0` applies (per_hour needs 20 days as well as 1 newer; daily 30 days).
    const dry10 = pondJson<GcJson>(dir, 'gc', '--dry-run', '--now', later(10));
    assert.deepEqual(dry10.versions.map((v) => v.id).sort(), [...rawOld].sort());
    const dry40 = pondJson<GcJson>(dir, 'gc', '--dry-run', '--now', later(40));
    const expected40 = [...rawOld, ...superseded('per_hour', 1), ...superseded('daily', 0)];
    assert.ok(superseded('per_hour', 1).length > 0 && superseded('daily', 0).length > 0);
    assert.deepEqual(dry40.versions.map((v) => v.id).sort(), [...expected40].sort());
    assert.equal((await versionsByPartition(dir)).size, history.size, 'a dry run deletes nothing');
    assert.deepEqual(pondJson(dir, 'gc', '--log'), [], 'nor records anything');

    const run10 = pondJson<GcJson>(dir, 'gc', '--now', later(10));
    assert.deepEqual(run10.versions.map((v) => v.id).sort(), [...rawOld].sort());
    // Raw versions list the files of the version before: only their manifests go.
    assert.deepEqual(
      run10.datasets.map((d) => [d.dataset, d.versions, d.files, d.bytes]),
      [['events', 3, 3, 0]],
    );
    const run40 = pondJson<GcJson>(dir, 'gc', '--now', later(40));
    const deleted = [...run10.versions, ...run40.versions].map((v) => v.id).sort();
    assert.deepEqual(deleted, [...expected40].sort());

    const after = await versionsByPartition(dir);
    const left = new Set([...after.values()].flat().map((v) => v.id));
    for (const id of expected40) assert.ok(!left.has(id), `${id} is still in the state`);
    for (const [key, versions] of history) {
      for (const v of versions) {
        const gone = expected40.includes(v.id);
        assert.equal(existsSync(path.join(dir, '.pond/lake', v.prefix, '_manifest.json')), !gone, `${key} ${v.id} manifest`);
        if (!gone) assert.ok(left.has(v.id), `${key} ${v.id} was not to be deleted`);
      }
    }
    await assertVersionsWhole(dir);
    assert.deepEqual(pondJson(dir, 'query', SNAPSHOT), before, 'current versions read back the same');

    const log = pondJson<Array<{ kind: string; versionId: string | null; dataset: string }>>(dir, 'gc', '--log');
    assert.deepEqual(
      log
        .filter((e) => e.kind === 'version')
        .map((e) => e.versionId)
        .sort(),
      deleted,
    );
    const text = pond(dir, 'gc', '--log');
    assert.equal(text.status, 0);
    assert.match(text.stdout, /per_hour/);
    assert.match(pond(dir, 'gc').stdout, /Nothing to delete/);
  });

  it('refuses a bad retention with exit 2, naming the file and the field', { timeout: 60_000 }, () => {
    const dir = project(PIPELINE.replace("retention: { versions: { keep: 1, for: '20d' } }", 'retention: { versions: { keep: -1 } }'));
    const r = pond(dir, 'gc', '--dry-run');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pipelines\/p\.ts/);
    assert.match(r.stderr, /retention\.versions\.keep/);
    const partitions = project(PIPELINE.replace('retention: { versions: { keep: 0 } }', "retention: { partitions: { for: '13mo' } }"));
    const p = pond(partitions, 'status');
    assert.equal(p.status, 2, p.stderr);
    assert.match(p.stderr, /retention\.partitions/);
  });
});

/** Minute partitions, so that a collection has thousands of versions to delete. */
const MINUTES = `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'minute', lateness: '0s', retention: { versions: { keep: 0 } } });
export const per_minute = dataset({ name: 'per_minute', inputs: { events }, retention: { versions: { keep: 0 } }, sql: 'select user_id, count(*) as n, sum(amount) as amount from events group by user_id' });
`;
const MINUTE_SNAPSHOT =
  "select 'events' as d, user_id, count(*) as n, sum(amount) as amount from events group by user_id union all select 'per_minute', user_id, sum(n), sum(amount) from per_minute group by user_id order by 1, 2";

describe('kill -9 during pond gc', () => {
  it('never leaves a known version without its files, and the next gc sweeps every leftover', { timeout: 300_000 }, async (t) => {
    const minutes = 480;
    const dir = project(MINUTES, Math.floor(Date.now() / 60_000) * 60_000 - minutes * 60_000, minutes, 60_000);
    buildHistory(dir);
    const datasets = ['events', 'per_minute'];
    const before = pondJson(dir, 'query', MINUTE_SNAPSHOT);
    const now = later(40);
    const total = pondJson<GcJson>(dir, 'gc', '--dry-run', '--now', now).versions.length;
    assert.ok(total > 500, `only ${total} versions to delete`);
    // How long a start takes (reading the log is nearly nothing else): timed kills land around then.
    const started = Date.now();
    pond(dir, 'gc', '--log', '--limit', '1');
    const startupMs = Date.now() - started;
    const deletedSoFar = () => withState(dir, async (state) => (await state.gcLog({ limit: 1_000_000 })).filter((e) => e.kind === 'version').length);
    let killed = 0;
    let midway = 0;
    for (let round = 0; round < 5; round++) {
      const logged = await deletedSoFar();
      const proc = spawnPond(dir, 'gc', '--now', now);
      let exitCode: number | null | undefined;
      const exited = new Promise<void>((resolve) => proc.on('exit', (code) => resolve(void (exitCode = code))));
      if (round % 2 === 1) {
        // Around the end of its start: before, during or after its first query or transaction.
        await new Promise((resolve) => setTimeout(resolve, startupMs * (0.8 + Math.random() * 0.4)));
      } else {
        // Just after a transaction committed: among the files of its versions.
        await until('a batch of versions deleted', async () => (exitCode !== undefined || (await deletedSoFar()) > logged ? true : undefined), 60_000, 10);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
      }
      if (proc.kill('SIGKILL')) killed++;
      await exited;
      await assertVersionsWhole(dir, datasets);
      const now_ = await deletedSoFar();
      if (now_ > 0 && now_ < total) midway++;
      t.diagnostic(`round ${round}: ${exitCode === null ? 'killed' : `exited ${exitCode}`}, ${now_} of ${total} versions deleted`);
    }
    assert.ok(killed > 0 && midway > 0, `a pond gc was killed mid-way (${killed} killed, ${midway} with part of the versions deleted)`);
    // The grace period is measured from --now too, so the files the killed runs left are swept now.
    assert.equal(pond(dir, 'gc', '--now', now).status, 0);
    const referenced = await assertVersionsWhole(dir, datasets);
    const stray = lakeFiles(dir).filter((f) => !referenced.has(f));
    assert.deepEqual(stray, [], 'every file left by a killed gc was swept');
    assert.deepEqual(pondJson<GcJson>(dir, 'gc', '--dry-run', '--now', now).versions, []);
    assert.deepEqual(pondJson(dir, 'query', MINUTE_SNAPSHOT), before);
  });
});

const HOUR = 3_600_000;
/** The partition key of an hour, as Pond writes it. */
const hourKey = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z/PT1H`;
const EXPIRING = `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '0s', retention: { partitions: '2d' } });
export const per_hour = dataset({ name: 'per_hour', inputs: { events }, sql: 'select user_id, count(*) as n, sum(amount) as amount from events group by user_id' });
export const daily = dataset({ name: 'daily', partition: 'day', inputs: { h: per_hour }, sql: 'select user_id, sum(n) as n, sum(amount) as amount from h group by user_id' });
export const recent = dataset({ name: 'recent', inputs: { events }, retention: { partitions: '1d' }, sql: 'select count(*) as n from events' });
`;

interface PartitionGcJson extends GcJson {
  partitions: Array<{ dataset: string; key: string; versions: number; files: number }>;
  datasets: Array<{ dataset: string; partitions: number; versions: number; files: number; bytes: number; orphanFiles: number }>;
}

describe('retention.partitions', () => {
  it('expires exactly the partitions past the horizon, keeps what was built from them, and never builds them again', { timeout: 240_000 }, async () => {
    const hourNow = Math.floor(Date.now() / HOUR) * HOUR;
    const start = hourNow - 5 * DAY;
    const hours = 5 * 24 - 2;
    const dir = project(EXPIRING, start, hours, HOUR);
    for (const args of [['load', 'events', path.join(dir, 'a.ndjson')], ['build']]) assert.equal(pond(dir, ...args).status, 0, args.join(' '));
    const totals = 'select (select count(*) from events) as events, (select sum(n) from per_hour) as per_hour, (select sum(n) from daily) as daily';
    const [before] = pondJson<Array<{ events: number; per_hour: number; daily: number }>>(dir, 'query', totals);
    assert.equal(before?.events, hours);

    // The clock of the collection: the middle of this hour, and then a day later.
    const now = hourNow + HOUR / 2;
    const iso = (ms: number) => new Date(ms).toISOString();
    const expiredBefore = (at: number, keep = 2 * DAY) =>
      Array.from({ length: hours }, (_, h) => start + h * HOUR)
        .filter((t) => t < Math.floor((at - keep) / HOUR) * HOUR)
        .map(hourKey);
    const expected = expiredBefore(now);
    assert.ok(expected.length > 24, `${expected.length} hours to expire`);

    const dry = pondJson<PartitionGcJson>(dir, 'gc', '--dry-run', '--now', iso(now));
    const keysOf = (dataset: string) =>
      dry.partitions
        .filter((p) => p.dataset === dataset)
        .map((p) => p.key)
        .sort();
    assert.deepEqual(keysOf('events'), expected.sort());
    // A dataset with its own retention is never built past its horizon, so it has nothing to expire: a day of hours.
    assert.deepEqual(keysOf('recent'), []);
    const recent = pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from recent')[0]?.n ?? 0;
    assert.ok(recent >= 21 && recent <= 24, `recent holds the last day's hours, not all ${hours}: ${recent}`);
    assert.deepEqual(
      dry.partitions.filter((p) => p.dataset === 'per_hour' || p.dataset === 'daily'),
      [],
      'datasets without retention keep their partitions forever',
    );
    assert.equal(pondJson<Array<{ events: number }>>(dir, 'query', totals)[0]?.events, hours, 'a dry run deletes nothing');

    const done = pondJson<PartitionGcJson>(dir, 'gc', '--now', iso(now));
    assert.equal(done.datasets.find((d) => d.dataset === 'events')?.partitions, expected.length);
    const [after] = pondJson<Array<{ events: number; per_hour: number; daily: number }>>(dir, 'query', totals);
    assert.deepEqual(
      after,
      { events: hours - expected.length, per_hour: before?.per_hour, daily: before?.daily },
      'the raw hours are gone; what was built from them stays',
    );
    // Not a file of an expired hour is left, and every remaining version is whole.
    const expiredFolders = expected.map((k) => `date=${k.slice(0, 10)}/hour=${k.slice(11, 13)}/`);
    assert.deepEqual(
      lakeFiles(dir).filter((f) => f.startsWith('raw/events/') && expiredFolders.some((folder) => f.includes(folder))),
      [],
    );
    const referenced = await assertVersionsWhole(dir, [...DATASETS, 'recent']);
    assert.deepEqual(
      lakeFiles(dir).filter((f) => !referenced.has(f)),
      [],
    );
    // The planner does not want the expired windows back: nothing before the horizon is planned
    // (an hour that completed since the build above may be, at an hour boundary).
    const plan = pondJson<{ datasets: Array<{ name: string; ranges: Array<{ from: string }> }> }>(dir, 'build', '--dry-run');
    const horizon = (keep: number) => hourKey(Math.floor((Date.now() - keep) / HOUR) * HOUR);
    assert.deepEqual(
      plan.datasets.flatMap((d) => d.ranges.filter((r) => r.from < horizon(d.name === 'recent' ? DAY : 2 * DAY)).map((r) => `${d.name} ${r.from}`)),
      [],
    );
    // Recorded, one row per partition.
    const logged = await withState(dir, async (state) =>
      (await state.gcLog({ limit: 10_000 })).filter((e) => e.kind === 'partition' && e.dataset === 'events'),
    );
    assert.deepEqual(logged.map((e) => e.key).sort(), expected.sort());
    assert.match(pond(dir, 'gc', '--log').stdout, /window ended before/);

    // A day later, exactly the next day of raw hours goes.
    const next = pondJson<PartitionGcJson>(dir, 'gc', '--dry-run', '--now', iso(now + DAY));
    assert.deepEqual(
      next.partitions
        .filter((p) => p.dataset === 'events')
        .map((p) => p.key)
        .sort(),
      expiredBefore(now + DAY)
        .filter((k) => !expected.includes(k))
        .sort(),
    );
    assert.equal(next.partitions.filter((p) => p.dataset === 'events').length, 24);
  });

  it('refuses partition retention on an unpartitioned dataset, naming the field', { timeout: 60_000 }, () => {
    const dir = project(
      `${EXPIRING}\nexport const total = dataset({ name: 'total', partition: 'none', inputs: { events }, retention: { partitions: '30d' }, sql: 'select count(*) as n from events' });\n`,
    );
    const r = pond(dir, 'status');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /dataset "total" field retention\.partitions/);
  });
});

describe('kill -9 during partition expiry', () => {
  it('never leaves a known version without its files, and the next gc finishes the job', { timeout: 300_000 }, async (t) => {
    const minutes = 1500;
    const pipeline = `import { stream } from 'pond';\nexport const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'minute', lateness: '0s', retention: { partitions: '1h' } });\n`;
    const dir = project(pipeline, Math.floor(Date.now() / 60_000) * 60_000 - minutes * 60_000, minutes, 60_000);
    assert.equal(pond(dir, 'load', 'events', path.join(dir, 'a.ndjson')).status, 0);
    const now = new Date().toISOString();
    const total = pondJson<PartitionGcJson>(dir, 'gc', '--dry-run', '--now', now).partitions.length;
    assert.ok(total > 1000, `only ${total} partitions to expire`);
    const expiredSoFar = () => withState(dir, async (state) => (await state.gcLog({ limit: 1_000_000 })).filter((e) => e.kind === 'partition').length);
    let midway = 0;
    for (let round = 0; round < 4; round++) {
      const logged = await expiredSoFar();
      const proc = spawnPond(dir, 'gc', '--now', now);
      let exitCode: number | null | undefined;
      const exited = new Promise<void>((resolve) => proc.on('exit', (code) => resolve(void (exitCode = code))));
      // Just after a batch committed: among the deletes of its files.
      await until('a batch of partitions expired', async () => (exitCode !== undefined || (await expiredSoFar()) > logged ? true : undefined), 60_000, 10);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
      proc.kill('SIGKILL');
      await exited;
      await assertVersionsWhole(dir, ['events']);
      const done = await expiredSoFar();
      if (done > 0 && done < total) midway++;
      t.diagnostic(`round ${round}: ${exitCode === null ? 'killed' : `exited ${exitCode}`}, ${done} of ${total} partitions expired`);
    }
    assert.ok(midway > 0, 'a pond gc was killed with part of the partitions expired');
    // The files the killed runs left were written a moment ago: no grace, so that they are swept now.
    assert.equal(pond(dir, 'gc', '--now', now, '--grace', '0s').status, 0);
    const referenced = await assertVersionsWhole(dir, ['events']);
    assert.deepEqual(
      lakeFiles(dir).filter((f) => !referenced.has(f)),
      [],
      'every file left by a killed gc was swept',
    );
    assert.deepEqual(pondJson<PartitionGcJson>(dir, 'gc', '--dry-run', '--now', now).partitions, []);
    assert.equal(pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from events')[0]?.n, minutes - total);
  });
});
