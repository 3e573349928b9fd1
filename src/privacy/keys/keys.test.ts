import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PondError } from '../../errors/index.ts';
import type { NewSubjectKey, SubjectKey } from '../../state/index.ts';
import { KeyEpochs, KeyHierarchy, LocalEpochKeyStore, LruCache, openMasterKey, SubjectKeyRing } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'pond-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('master key', () => {
  it('creates the key file once, readable by its owner only, and reads it afterwards', async () => {
    const keyFile = join(dir, 'p1', '.pond', 'master.key');
    const first = await openMasterKey({ keyFile, lakeDir: join(dir, 'p1', '.pond', 'lake'), env: {} });
    assert.equal(first.created, keyFile);
    assert.equal(first.key.length, 32);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const second = await openMasterKey({ keyFile, lakeDir: join(dir, 'p1', '.pond', 'lake'), env: {} });
    assert.equal(second.created, undefined);
    assert.deepEqual(second.key, first.key);
  });

  it('prefers POND_MASTER_KEY, and refuses a key of the wrong size or a key file in the lake', async () => {
    const key = Buffer.alloc(32, 7);
    const fromEnv = await openMasterKey({
      keyFile: join(dir, 'never', 'master.key'),
      lakeDir: join(dir, 'lake'),
      env: { POND_MASTER_KEY: key.toString('base64') },
    });
    assert.deepEqual(fromEnv.key, key);
    assert.equal(fromEnv.source, 'POND_MASTER_KEY');
    await assert.rejects(
      openMasterKey({ keyFile: join(dir, 'x'), lakeDir: dir, env: { POND_MASTER_KEY: Buffer.alloc(16).toString('base64') } }),
      /not 32 bytes/,
    );
    await assert.rejects(
      openMasterKey({ keyFile: join(dir, 'lake', 'master.key'), lakeDir: join(dir, 'lake'), env: {} }),
      (e: unknown) => e instanceof PondError && e.code === 'INVALID_PROJECT',
    );
    writeFileSync(join(dir, 'bad.key'), 'not a key\n');
    await assert.rejects(openMasterKey({ keyFile: join(dir, 'bad.key'), lakeDir: join(dir, 'lake'), env: {} }), /not 32 bytes/);
  });
});

describe('key hierarchy', () => {
  const a = new KeyHierarchy(Buffer.alloc(32, 1));
  const b = new KeyHierarchy(Buffer.alloc(32, 2));

  it('gives stable, recognisable pseudonyms that depend on the master key', () => {
    assert.match(a.pseudonym('user-42'), /^ps_[A-Za-z0-9_-]{22}$/);
    assert.equal(a.pseudonym('user-42'), a.pseudonym('user-42'));
    assert.notEqual(a.pseudonym('user-42'), a.pseudonym('user-43'));
    assert.notEqual(a.pseudonym('user-42'), b.pseudonym('user-42'));
  });

  it('wraps data keys bound to their subject and master key', () => {
    const dataKey = Buffer.alloc(32, 9);
    const wrapped = a.wrap(dataKey, 'ps_1');
    assert.match(wrapped, /^wk:v1:/);
    assert.deepEqual(a.unwrap(wrapped, 'ps_1'), dataKey);
    assert.throws(() => a.unwrap(wrapped, 'ps_2'), /does not unwrap/);
    assert.throws(() => b.unwrap(wrapped, 'ps_1'), /does not unwrap/);
  });
});

describe('subject key ring', () => {
  /** The state store's contract for subject keys and epochs, in memory (the real stores run state-store.suite.ts). */
  function memoryStore() {
    const rows = new Map<string, SubjectKey>();
    const calls: number[] = [];
    const meta = { epoch: 0, forgotten: '' };
    return {
      rows,
      calls,
      meta,
      async findSubjectKeys(pseudonyms: readonly string[]) {
        return new Map(pseudonyms.filter((p) => rows.has(p)).map((p) => [p, rows.get(p) as SubjectKey]));
      },
      async subjectKeys(candidates: readonly NewSubjectKey[], epoch: number) {
        calls.push(candidates.length);
        const keys = new Map<string, SubjectKey>();
        for (const c of candidates) {
          if (!rows.has(c.pseudonym) && epoch === meta.epoch) rows.set(c.pseudonym, { ...c, forgottenAt: null, epoch });
          const row = rows.get(c.pseudonym);
          if (row) keys.set(c.pseudonym, row);
        }
        return { keys, epoch: meta.epoch };
      },
      async keyRingStamp() {
        return { ...meta };
      },
      async rotateKeyEpoch(from: number, to: number, rewrap: (key: SubjectKey) => string) {
        if (meta.epoch !== from) return false;
        meta.epoch = to;
        for (const [p, row] of rows) if (row.wrappedKey !== null) rows.set(p, { ...row, wrappedKey: rewrap(row), epoch: to });
        return true;
      },
    };
  }
  const ringOf = (store: ReturnType<typeof memoryStore>, master: Buffer, keyDir: string, options = {}) => {
    const hierarchy = new KeyHierarchy(master);
    const epochs = new KeyEpochs(hierarchy, new LocalEpochKeyStore(keyDir));
    return { ring: new SubjectKeyRing(store, hierarchy, epochs, options), epochs };
  };

  it('creates keys on first sight in one call, caches them, and has none for forgotten subjects', async () => {
    const store = memoryStore();
    let now = 0;
    const keyDir = join(dir, 'ring-1');
    const { ring } = ringOf(store, Buffer.alloc(32, 1), keyDir, { maxAgeMs: 1000, now: () => now });
    const ps = ['u1', 'u2', 'u3'].map((s) => ring.pseudonym(s));
    const first = await ring.keysOf([...ps, ps[0] as string]);
    assert.deepEqual(store.calls, [3]);
    assert.equal(first.size, 3);
    for (const key of first.values()) assert.equal(key?.length, 32);
    // The first key began the first epoch: its key is in the folder, apart from the rows.
    assert.equal(store.meta.epoch, 1);
    assert.deepEqual(readdirSync(keyDir), ['epoch-1.key']);
    assert.equal(statSync(join(keyDir, 'epoch-1.key')).mode & 0o777, 0o600);
    assert.match(store.rows.get(ps[0] as string)?.wrappedKey ?? '', /^wk:v2:1:/);
    const again = await ring.keysOf(ps);
    assert.deepEqual(store.calls, [3]);
    assert.deepEqual(again.get(ps[1] as string), first.get(ps[1] as string));
    // Forgotten elsewhere: seen once the cached key is older than maxAgeMs.
    store.rows.set(ps[0] as string, { pseudonym: ps[0] as string, wrappedKey: null, createdAt: 0, forgottenAt: 5, epoch: null });
    now = 2000;
    const later = await ring.keysOf(ps);
    assert.equal(later.get(ps[0] as string), null);
    assert.deepEqual(later.get(ps[2] as string), first.get(ps[2] as string));
    // Another ring (another process) unwraps the same keys.
    const { ring: other } = ringOf(store, Buffer.alloc(32, 1), keyDir);
    assert.deepEqual((await other.keysOf([ps[1] as string])).get(ps[1] as string), first.get(ps[1] as string));
  });

  it('drops its cached keys within checkEveryMs when a subject is forgotten elsewhere', async () => {
    const store = memoryStore();
    let now = 0;
    const { ring } = ringOf(store, Buffer.alloc(32, 3), join(dir, 'ring-2'), { now: () => now, checkEveryMs: 100 });
    const [a] = [ring.pseudonym('a')];
    await ring.keysOf([a as string]); // begins the first epoch, and reads the stamp again on the next call
    await ring.keysOf([a as string]);
    store.rows.set(a as string, { pseudonym: a as string, wrappedKey: null, createdAt: 0, forgottenAt: 5, epoch: null });
    store.meta.forgotten = 'changed';
    now = 50;
    assert.notEqual((await ring.keysOf([a as string])).get(a as string), null, 'within checkEveryMs the cache answers');
    now = 150;
    assert.equal((await ring.keysOf([a as string])).get(a as string), null);
  });

  it('rotates the epoch: keys re-wrapped under a new epoch key, the old one destroyed, old copies of the rows dead', async () => {
    const store = memoryStore();
    const master = Buffer.alloc(32, 4);
    const keyDir = join(dir, 'ring-3');
    const { ring } = ringOf(store, master, keyDir);
    const [a, b] = [ring.pseudonym('a'), ring.pseudonym('b')];
    const keys = await ring.keysOf([a, b]);
    const backup = new Map(store.rows); // a copy of the database, as a backup holds it
    const rotation = await ring.rotateEpoch();
    assert.deepEqual([rotation.from, rotation.to, rotation.rewrapped, rotation.destroyed], [1, 2, 2, [1]]);
    assert.deepEqual(readdirSync(keyDir), ['epoch-2.key']);
    assert.match(store.rows.get(a)?.wrappedKey ?? '', /^wk:v2:2:/);
    // This process and a new one read the same keys through the new epoch.
    assert.deepEqual((await ring.existingKeysOf([a])).get(a), keys.get(a));
    const { ring: fresh, epochs } = ringOf(store, master, keyDir);
    assert.deepEqual((await fresh.existingKeysOf([b])).get(b), keys.get(b));
    // The backup's wrapped keys open under no key that remains: not the master's, not the current epoch's.
    const old = backup.get(a) as SubjectKey;
    assert.equal(await epochs.key(1), undefined);
    assert.equal((await epochs.key(2))?.unwrap(old.wrappedKey as string, a), undefined);
    assert.throws(() => new KeyHierarchy(master).unwrap(old.wrappedKey as string, a), /does not unwrap/);
  });

  it('re-wraps keys stored before epochs under the first epoch', async () => {
    const store = memoryStore();
    const master = Buffer.alloc(32, 5);
    const hierarchy = new KeyHierarchy(master);
    const legacy = Buffer.alloc(32, 6);
    const p = hierarchy.pseudonym('old-user');
    store.rows.set(p, { pseudonym: p, wrappedKey: hierarchy.wrap(legacy, p), createdAt: 1, forgottenAt: null, epoch: null });
    const { ring } = ringOf(store, master, join(dir, 'ring-4'));
    const q = ring.pseudonym('new-user');
    await ring.keysOf([q]);
    assert.equal(store.rows.get(p)?.epoch, 1);
    assert.deepEqual((await ring.existingKeysOf([p])).get(p), legacy);
  });

  it('wraps again and retries when a rotation overtook it', async () => {
    const store = memoryStore();
    const keyDir = join(dir, 'ring-5');
    const { ring } = ringOf(store, Buffer.alloc(32, 7), keyDir, { checkEveryMs: 1e9 });
    await ring.keysOf([ring.pseudonym('first')]);
    const { ring: other } = ringOf(store, Buffer.alloc(32, 7), keyDir);
    await other.rotateEpoch(); // epoch 2; this ring still believes in epoch 1, whose key is gone
    const p = ring.pseudonym('second');
    const key = (await ring.keysOf([p])).get(p);
    assert.equal(key?.length, 32);
    assert.equal(store.rows.get(p)?.epoch, 2);
    assert.deepEqual((await other.existingKeysOf([p])).get(p), key);
  });
});

describe('LRU cache', () => {
  it('evicts the least recently used entry past its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1);
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.size, 2);
  });
});
