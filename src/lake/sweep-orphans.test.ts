import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { PondError } from '../errors/index.ts';
import { Lake } from './lake.ts';
import { LocalObjectStore } from './local/local-object-store.ts';
import type { ObjectInfo, ObjectStore, StagingEntry } from './object-store.ts';
import { sweepOrphans } from './sweep-orphans.ts';

const NOW = Date.now();
const GRACE = 3_600_000;
const OLD = NOW - 2 * GRACE;

/** Writes a version of `all` of `dataset` whose manifest lists `files` (keys), and returns its prefix. */
async function commit(lake: Lake, dataset: string, versionId: string, files: readonly string[]): Promise<string> {
  const draft = { ...lake.draft('datasets', dataset, 'all', 'all'), versionId, prefix: `datasets/${dataset}/all/${versionId}` };
  await lake.writeManifest(draft, { files: files.map((f) => ({ path: f, rows: 1, bytes: 4 })), schema: [], codeFingerprint: 'c', inputs: [], createdAt: OLD });
  return draft.prefix;
}

describe('sweepOrphans over a LocalObjectStore', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pond-sweep-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const store = new LocalObjectStore(root);
  const lake = new Lake(store);
  const age = (key: string, at = OLD) => utimesSync(path.join(root, key), at / 1000, at / 1000);

  it('deletes exactly the old files no version references, and stale staging; a dry run deletes nothing', async () => {
    // A committed version, and one that lists a file of an earlier version it does not own (as raw versions do).
    const earlier = 'datasets/d/all/v1/part-0.parquet';
    await store.putIfAbsent(earlier, 'one');
    await store.putIfAbsent('datasets/d/all/v2/part-0.parquet', 'two');
    const known = await commit(lake, 'd', 'v2', [earlier, 'datasets/d/all/v2/part-0.parquet']);
    // Orphans: a crashed build's file, and a manifest never made current.
    await store.putIfAbsent('datasets/d/all/v3/part-0.parquet', 'three');
    const uncommitted = await commit(lake, 'd', 'v4', []);
    await store.putIfAbsent('raw/e/date=2026-11-23/v5/part-0.parquet', 'raw!');
    // A build writing right now: young, unreferenced.
    await store.putIfAbsent('datasets/d/all/v6/part-0.parquet', 'young');
    for (const key of [
      earlier,
      'datasets/d/all/v2/part-0.parquet',
      `${known}/_manifest.json`,
      'datasets/d/all/v3/part-0.parquet',
      `${uncommitted}/_manifest.json`,
      'raw/e/date=2026-11-23/v5/part-0.parquet',
    ])
      age(key);
    const stale = store.stagingPath('.parquet');
    writeFileSync(stale, 'crashed');
    utimesSync(stale, OLD / 1000, OLD / 1000);
    const live = store.stagingPath('.parquet');
    writeFileSync(live, 'writing');

    const orphans = ['datasets/d/all/v3/part-0.parquet', `${uncommitted}/_manifest.json`, 'raw/e/date=2026-11-23/v5/part-0.parquet'];
    const options = { knownPrefixes: new Set([known]), keepNewerThan: NOW - GRACE };
    const dry = await sweepOrphans(lake, { ...options, dryRun: true });
    assert.deepEqual([...dry.deleted].sort(), [...orphans, stale].sort());
    assert.equal(dry.scannedObjects, 7);
    assert.equal(dry.deletedObjects, 4);
    assert.equal(dry.deletedBytes, 'three'.length + 'raw!'.length + (await store.get(`${uncommitted}/_manifest.json`)).length);
    assert.deepEqual(
      dry.objects.find((o) => o.key === stale),
      { key: stale, bytes: 0 },
    );
    for (const key of orphans) assert.equal(await store.exists(key), true, `${key} survives a dry run`);
    assert.equal(existsSync(stale), true);

    const swept = await sweepOrphans(lake, options);
    assert.deepEqual([...swept.deleted].sort(), [...dry.deleted].sort());
    for (const key of orphans) assert.equal(await store.exists(key), false, `${key} is swept`);
    assert.equal(existsSync(stale), false);
    for (const key of [earlier, 'datasets/d/all/v2/part-0.parquet', `${known}/_manifest.json`, 'datasets/d/all/v6/part-0.parquet']) {
      assert.equal(await store.exists(key), true, `${key} is kept`);
    }
    assert.equal(existsSync(live), true);
    // Emptied version folders go with their last file.
    assert.equal(existsSync(path.join(root, 'datasets/d/all/v3')), false);
    assert.equal(existsSync(path.join(root, uncommitted)), false);

    const again = await sweepOrphans(lake, options);
    assert.deepEqual(again.deleted, []);
  });

  it('removes only its own staging entries', async () => {
    const outside = path.join(root, 'datasets', 'd', 'all', 'v2', 'part-0.parquet');
    await assert.rejects(store.removeStaging(outside), (e: unknown) => e instanceof PondError && e.code === 'BAD_ARGUMENT');
    await assert.rejects(store.removeStaging(path.join(root, '_staging', '..')), (e: unknown) => e instanceof PondError && e.code === 'BAD_ARGUMENT');
    assert.equal(existsSync(outside), true);
    await store.removeStaging(store.stagingPath('.gone')); // already gone: no error
  });
});

/** An object store in memory, with staging as named entries (like S3's multipart uploads): no folders, no paths. */
class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { data: Uint8Array; modified: number }>();
  readonly staging = new Map<string, number>();
  readonly removed: string[] = [];

  async putIfAbsent(key: string, data: Uint8Array | string): Promise<void> {
    if (this.objects.has(key)) throw new PondError('ALREADY_EXISTS', `object "${key}" already exists`);
    this.objects.set(key, { data: typeof data === 'string' ? new TextEncoder().encode(data) : data, modified: NOW });
  }
  async putFile(): Promise<void> {
    throw new Error('not used by the sweep');
  }
  async get(key: string): Promise<Uint8Array> {
    const object = this.objects.get(key);
    if (!object) throw new PondError('NOT_FOUND', `object "${key}" is not there`);
    return object.data;
  }
  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    for (const [key, o] of this.objects) if (key.startsWith(prefix)) yield { key, size: o.data.length, modified: o.modified };
  }
  async delete(key: string): Promise<void> {
    this.removed.push(key);
    this.objects.delete(key);
  }
  locate(key: string): string {
    return `memory://${key}`;
  }
  stagingPath(): string {
    throw new Error('not used by the sweep');
  }
  async *listStaging(): AsyncIterable<StagingEntry> {
    for (const [id, modified] of this.staging) yield { id, modified };
  }
  async removeStaging(id: string): Promise<void> {
    this.removed.push(id);
    this.staging.delete(id);
  }
}

describe('sweepOrphans over any ObjectStore', () => {
  it('needs nothing but the interface', async () => {
    const store = new MemoryObjectStore();
    const lake = new Lake(store);
    await store.putIfAbsent('datasets/d/all/v1/part-0.parquet', 'kept');
    const known = await commit(lake, 'd', 'v1', ['datasets/d/all/v1/part-0.parquet']);
    await store.putIfAbsent('datasets/d/all/v2/part-0.parquet', 'orphan');
    await store.putIfAbsent('dead-letter/e/2026-11-23/v3/part-0.parquet', 'young');
    for (const [key, o] of store.objects) if (!key.startsWith('dead-letter/')) o.modified = OLD;
    store.staging.set('datasets/d/all/v9/part-0.parquet#upload-1', OLD);
    store.staging.set('datasets/d/all/v9/part-1.parquet#upload-2', NOW);
    const options = { knownPrefixes: new Set([known]), keepNewerThan: NOW - GRACE };

    const dry = await sweepOrphans(lake, { ...options, dryRun: true });
    assert.deepEqual(dry.deleted, ['datasets/d/all/v2/part-0.parquet', 'datasets/d/all/v9/part-0.parquet#upload-1']);
    assert.deepEqual(store.removed, []);

    const swept = await sweepOrphans(lake, options);
    assert.deepEqual(swept.deleted, dry.deleted);
    assert.deepEqual(store.removed, dry.deleted);
    assert.deepEqual([...store.objects.keys()].sort(), [
      'datasets/d/all/v1/_manifest.json',
      'datasets/d/all/v1/part-0.parquet',
      'dead-letter/e/2026-11-23/v3/part-0.parquet',
    ]);
    assert.deepEqual([...store.staging.keys()], ['datasets/d/all/v9/part-1.parquet#upload-2']);
    assert.equal(swept.deletedBytes, 'orphan'.length);
  });
});
