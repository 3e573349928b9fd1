/**
 * Durability of builds: `kill -9` at arbitrary moments of `pond build` never
 * makes a partial version visible, and building again gives exactly what an
 * uninterrupted build gives. Orphaned files are swept by `pond gc`.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openStateStore } from '../src/state/index.ts';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, pondJson, spawnPond } from './helpers/project.ts';

const PIPELINE = `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '0s' });
export const per_user = dataset({ name: 'per_user', inputs: { events }, sql: 'select user_id, count(*) as n, sum(amount) as amount from events group by user_id' });
export const daily = dataset({ name: 'daily', partition: 'day', inputs: { h: per_user }, sql: 'select user_id, sum(n) as n, sum(amount) as amount from h group by user_id' });
`;

const HOURS = 160;

// Relative to now: an idle stream's windows are complete up to the wall clock, so fixed dates would grow the build every hour.
// One start for both projects of a test: computed apart, an hour boundary between them would shift the days' contents.
const START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - HOURS * 3_600_000;

function project(start = START): string {
  const dir = makeProject({ 'pipelines/p.ts': PIPELINE, 'schemas/events.json': EVENTS_SCHEMA });
  const events = [];
  for (let h = 0; h < HOURS; h++)
    for (let i = 0; i < 5; i++)
      events.push({ user_id: `u${(h + i) % 7}`, time_utc: new Date(start + h * 3_600_000 + i * 60_000).toISOString(), amount: h * 10 + i });
  writeFileSync(path.join(dir, 'events.ndjson'), ndjson(events));
  pondJson(dir, 'load', 'events', path.join(dir, 'events.ndjson'));
  return dir;
}

const SNAPSHOT =
  "select 'per_user' as d, user_id, sum(n) as n, sum(amount) as amount, count(*) as partitions from per_user group by user_id union all select 'daily', user_id, sum(n), sum(amount), count(*) from daily group by user_id order by 1, 2";

/** Every version the state store calls current is whole: its manifest and every listed file exist with their sizes. */
async function assertCurrentVersionsWhole(dir: string): Promise<number> {
  const state = await openStateStore({ sqlitePath: path.join(dir, '.pond/state.db') });
  let checked = 0;
  try {
    for (const dataset of ['events', 'per_user', 'daily']) {
      for (const v of await state.currentVersions(dataset, -1e15, 1e15)) {
        const version = await state.getVersion(v.versionId);
        assert.ok(version, `version ${v.versionId} of ${dataset} is current but unknown`);
        assert.ok(existsSync(path.join(dir, '.pond/lake', version.prefix, '_manifest.json')), `manifest of current ${dataset} ${v.key} is missing`);
        for (const f of v.files) assert.equal(statSync(path.join(dir, '.pond/lake', f.path)).size, f.bytes, `${f.path} is not whole`);
        checked++;
      }
    }
  } finally {
    await state.close();
  }
  return checked;
}

describe('kill -9 during pond build', () => {
  it('never shows a partial version, and a rebuild equals an uninterrupted build', { timeout: 300_000 }, async () => {
    const reference = project();
    assert.equal(pond(reference, 'build').status, 0);
    const expected = pondJson(reference, 'query', SNAPSHOT);

    const dir = project();
    const watcher = await openStateStore({ sqlitePath: path.join(dir, '.pond/state.db') });
    let kills = 0;
    try {
      // Kill while builds are in flight: once some runs have started, after a few more milliseconds.
      for (const [runs, extraMs] of [
        [3, 0],
        [40, 7],
        [90, 13],
        [160, 3],
        [260, 21],
      ] as const) {
        const child = spawnPond(dir, 'build');
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        const deadline = Date.now() + 60_000;
        while (child.exitCode === null && Date.now() < deadline && (await watcher.listRuns({ limit: 100_000 })).length < runs) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await new Promise((resolve) => setTimeout(resolve, extraMs));
        if (child.exitCode === null) {
          child.kill('SIGKILL');
          kills++;
        }
        await exited;
        // After each kill: whatever is current is whole, and the lake reads.
        await assertCurrentVersionsWhole(dir);
        const q = pond(dir, 'query', 'select count(*) as n from per_user');
        assert.equal(q.status, 0, q.stderr);
      }
    } finally {
      await watcher.close();
    }
    assert.ok(kills >= 3, `expected to interrupt at least two builds, interrupted ${kills}`);
    const finish = pond(dir, 'build');
    assert.equal(finish.status, 0, finish.stderr);
    assert.deepEqual(pondJson(dir, 'query', SNAPSHOT), expected);
    assert.match(pond(dir, 'build').stdout, /Nothing to build/);

    // The interrupted builds left staged or unreferenced files: gc removes them and nothing current.
    const gc = pondJson<{ deletedObjects: number }>(dir, 'gc', '--grace', '0s');
    assert.ok(gc.deletedObjects > 0, 'kills in the middle of builds leave files that no version references');
    assert.ok((await assertCurrentVersionsWhole(dir)) > HOURS);
    assert.deepEqual(pondJson(dir, 'query', SNAPSHOT), expected);
  });
});

describe('kill -9 during pond load', () => {
  it('lands a chunk of events whole or not at all', { timeout: 300_000 }, async () => {
    const dir = makeProject({ 'pipelines/p.ts': PIPELINE, 'schemas/events.json': EVENTS_SCHEMA });
    const start = Date.parse('2026-11-01T00:00:00Z');
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(JSON.stringify({ user_id: `u${i % 97}`, time_utc: new Date(start + i * 1000).toISOString(), amount: i % 13 }));
    writeFileSync(path.join(dir, 'big.ndjson'), `${lines.join('\n')}\n`);
    // pond load lands 250,000 lines at a time, each chunk in one commit: after a kill
    // the stream holds 0, 250,000 or 300,000 events, never another number.
    const counts: number[] = [];
    for (const delayMs of [1500, 3000, 4500]) {
      const before = delayMs === 1500 ? 0 : (counts[counts.length - 1] ?? 0);
      const child = spawnPond(dir, 'load', 'events', path.join(dir, 'big.ndjson'));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await exited;
      await assertCurrentVersionsWhole(dir);
      const [row] = pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from events');
      const landed = (row?.n ?? 0) - before;
      assert.ok([0, 250_000, 300_000].includes(landed), `a killed load landed ${landed} events`);
      counts.push(row?.n ?? 0);
      if (process.env.POND_TEST_VERBOSE) console.log(`kill after ${delayMs} ms: ${landed} events landed`);
    }
    const gc = pondJson<{ deletedObjects: number }>(dir, 'gc', '--grace', '0s');
    assert.ok(gc.deletedObjects >= 0);
    await assertCurrentVersionsWhole(dir);
  });
});
