import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PondError } from '../../errors/index.ts';
import type { LogRecord } from '../log.ts';
import { LocalLog } from './local-log.ts';
import { tempDir } from './temp-dir.fixture.ts';

function record(i: number): LogRecord {
  return { key: 'k', value: Buffer.from(`value-${String(i).padStart(40, '0')}`), timestamp: i };
}

async function segmentBases(dir: string, topic: string): Promise<number[]> {
  return (await fs.readdir(path.join(dir, topic, '0'))).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
}

describe('LocalLog consumer groups and retention', () => {
  it('keeps committed offsets across reopen, and loses no update to concurrent commits', async () => {
    const dir = await tempDir();
    let log = await LocalLog.open(dir);
    await log.ensureTopic('t', 8);
    assert.equal(await log.committed('g', 't', 0), undefined);
    await Promise.all(Array.from({ length: 8 }, (_, p) => log.commit('g', [{ topic: 't', partition: p, offset: 10 + p }])));
    await log.commit('g', [{ topic: 't', partition: 3, offset: 99 }]);
    await log.commit('other', [{ topic: 't', partition: 0, offset: 1 }]);
    await assert.rejects(log.commit('g', [{ topic: 't', partition: 8, offset: 1 }]), PondError);
    await assert.rejects(log.commit('g', [{ topic: 't', partition: 0, offset: -1 }]), PondError);
    await assert.rejects(log.commit('a/b', [{ topic: 't', partition: 0, offset: 1 }]), PondError);
    await log.close();

    log = await LocalLog.open(dir);
    try {
      const offsets = await Promise.all(Array.from({ length: 8 }, (_, p) => log.committed('g', 't', p)));
      assert.deepEqual(offsets, [10, 11, 12, 99, 14, 15, 16, 17]);
      assert.equal(await log.committed('other', 't', 0), 1);
      assert.equal(await log.committed('other', 't', 1), undefined);
      assert.deepEqual((await fs.readdir(path.join(dir, 'groups'))).sort(), ['g.json', 'other.json']);
    } finally {
      await log.close();
    }
  });

  it('deletes only segments every group has read past, and nothing for a topic no group reads', async () => {
    const dir = await tempDir();
    const log = await LocalLog.open(dir, { segmentBytes: 200 });
    try {
      await log.ensureTopic('t', 1);
      await log.ensureTopic('unread', 1);
      // One append per flush, so segments roll about every three records.
      for (let i = 0; i < 30; i++) await Promise.all([log.append('t', [record(i)]), log.append('unread', [record(i)])]);
      const before = await segmentBases(dir, 't');
      assert.ok(before.length >= 8, `segments: ${before.join(', ')}`);

      assert.equal(await log.applyRetention(), 0, 'no group has committed: nothing goes');
      assert.deepEqual(await segmentBases(dir, 't'), before);

      const bytes = log.stats().bytes;
      await log.commit('fast', [{ topic: 't', partition: 0, offset: 25 }]);
      await log.commit('slow', [{ topic: 't', partition: 0, offset: 10 }]);
      const freed = await log.applyRetention();
      const after = await segmentBases(dir, 't');
      // Every segment whose successor starts at or below 10 is gone; the one holding offset 10 stays.
      assert.deepEqual(
        after,
        before.filter((base, i) => !(before[i + 1] !== undefined && before[i + 1]! <= 10)),
      );
      assert.ok(after[0]! <= 10 && after[0]! > 0, `first segment now starts at ${after[0]}`);
      assert.equal(log.startOffset('t', 0), after[0]);
      assert.ok(freed > 0);
      assert.equal(log.stats().bytes, bytes - freed);
      assert.deepEqual(await segmentBases(dir, 'unread'), before, 'a topic no group reads keeps everything');

      // Reading below the start reads from the start.
      const records = await log.read('t', 0, 0, { maxRecords: 2 });
      assert.equal(records[0]!.offset, after[0]);

      // Everyone at the end: the active segment rolls to an empty one there, and every segment before it goes.
      await Promise.all(['slow', 'fast'].map((g) => log.commit(g, [{ topic: 't', partition: 0, offset: 30 }])));
      await log.applyRetention();
      assert.deepEqual(await segmentBases(dir, 't'), [30]);
      assert.equal(log.startOffset('t', 0), 30);
      assert.equal(log.endOffset('t', 0), 30);
      assert.deepEqual(await log.read('t', 0, 0), []);
    } finally {
      await log.close();
    }
  });

  it('counts a group that reads a topic but never committed a partition as being at 0 there', async () => {
    const dir = await tempDir();
    const log = await LocalLog.open(dir, { segmentBytes: 100 });
    try {
      await log.ensureTopic('t', 2);
      for (let i = 0; i < 10; i++) await log.append('t', [{ key: null, value: Buffer.alloc(80), timestamp: i }]);
      await log.commit('g', [{ topic: 't', partition: 1, offset: 5 }]);
      await log.applyRetention();
      assert.equal(log.startOffset('t', 0), 0);
      assert.ok(log.startOffset('t', 1) > 0);
    } finally {
      await log.close();
    }
  });
});
