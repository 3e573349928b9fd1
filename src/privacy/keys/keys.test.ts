import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PondError } from '../../errors/index.ts';
import type { NewSubjectKey, SubjectKey } from '../../state/index.ts';
import { KeyHierarchy, LruCache, openMasterKey, SubjectKeyRing } from './index.ts';

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
    const fromEnv = await openMasterKey({ keyFile: join(dir, 'never', 'master.key'), lakeDir: join(dir, 'lake'), env: { POND_MASTER_KEY: key.toString('base64') } });
    assert.deepEqual(fromEnv.key, key);
    assert.equal(fromEnv.source, 'POND_MASTER_KEY');
    await assert.rejects(openMasterKey({ keyFile: join(dir, 'x'), lakeDir: dir, env: { POND_MASTER_KEY: Buffer.alloc(16).toString('base64') } }), /not 32 bytes/);
    await assert.rejects(openMasterKey({ keyFile: join(dir, 'lake', 'master.key'), lakeDir: join(dir, 'lake'), env: {} }), (e: unknown) => e instanceof PondError && e.code === 'INVALID_PROJECT');
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
  /** The state store's contract for subject keys, in memory (the real stores run state-store.suite.ts). */
  function memoryStore() {
    const rows = new Map<string, SubjectKey>();
    const calls: number[] = [];
    return {
      rows,
      calls,
      async findSubjectKeys(pseudonyms: readonly string[]) {
        return new Map(pseudonyms.filter((p) => rows.has(p)).map((p) => [p, rows.get(p) as SubjectKey]));
      },
      async subjectKeys(candidates: readonly NewSubjectKey[]) {
        calls.push(candidates.length);
        const out = new Map<string, SubjectKey>();
        for (const c of candidates) {
          if (!rows.has(c.pseudonym)) rows.set(c.pseudonym, { ...c, forgottenAt: null });
          out.set(c.pseudonym, rows.get(c.pseudonym) as SubjectKey);
        }
        return out;
      },
    };
  }

  it('creates keys on first sight in one call, caches them, and has none for forgotten subjects', async () => {
    const store = memoryStore();
    const hierarchy = new KeyHierarchy(Buffer.alloc(32, 1));
    let now = 0;
    const ring = new SubjectKeyRing(store, hierarchy, { maxAgeMs: 1000, now: () => now });
    const ps = ['u1', 'u2', 'u3'].map((s) => ring.pseudonym(s));
    const first = await ring.keysOf([...ps, ps[0] as string]);
    assert.deepEqual(store.calls, [3]);
    assert.equal(first.size, 3);
    for (const key of first.values()) assert.equal(key?.length, 32);
    const again = await ring.keysOf(ps);
    assert.deepEqual(store.calls, [3]);
    assert.deepEqual(again.get(ps[1] as string), first.get(ps[1] as string));
    // Forgotten elsewhere: seen once the cached key is older than maxAgeMs.
    store.rows.set(ps[0] as string, { pseudonym: ps[0] as string, wrappedKey: null, createdAt: 0, forgottenAt: 5 });
    now = 2000;
    const later = await ring.keysOf(ps);
    assert.equal(later.get(ps[0] as string), null);
    assert.deepEqual(later.get(ps[2] as string), first.get(ps[2] as string));
    // Another ring (another process) unwraps the same keys.
    const other = new SubjectKeyRing(store, new KeyHierarchy(Buffer.alloc(32, 1)));
    assert.deepEqual((await other.keysOf([ps[1] as string])).get(ps[1] as string), first.get(ps[1] as string));
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
