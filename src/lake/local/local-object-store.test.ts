import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PondError } from '../../errors/index.ts';
import { LocalObjectStore } from './local-object-store.ts';

describe('LocalObjectStore', () => {
  const store = new LocalObjectStore(mkdtempSync(path.join(tmpdir(), 'pond-store-')));

  it('creates objects once and refuses to overwrite them', async () => {
    await store.putIfAbsent('a/b/_manifest.json', '{"v":1}');
    await assert.rejects(store.putIfAbsent('a/b/_manifest.json', '{"v":2}'), (e: unknown) => e instanceof PondError && e.code === 'ALREADY_EXISTS');
    assert.equal(new TextDecoder().decode(await store.get('a/b/_manifest.json')), '{"v":1}');
  });

  it('moves staged files into place create-only, and lists by prefix', async () => {
    const staged = store.stagingPath('.parquet');
    writeFileSync(staged, 'data');
    await store.putFile('a/b/part-0.parquet', staged);
    const again = store.stagingPath('.parquet');
    writeFileSync(again, 'other');
    await assert.rejects(store.putFile('a/b/part-0.parquet', again), (e: unknown) => e instanceof PondError && e.code === 'ALREADY_EXISTS');
    const keys = [];
    for await (const o of store.list('a/')) keys.push(o.key);
    assert.deepEqual(keys.sort(), ['a/b/_manifest.json', 'a/b/part-0.parquet']);
    assert.equal(await store.exists('a/b/part-0.parquet'), true);
  });

  it('says which object is missing, and refuses keys that leave the lake', async () => {
    await assert.rejects(store.get('nope'), (e: unknown) => e instanceof PondError && e.code === 'NOT_FOUND' && /"nope"/.test(e.message));
    await assert.rejects(store.get('../etc/passwd'), (e: unknown) => e instanceof PondError && e.code === 'BAD_ARGUMENT');
  });
});
