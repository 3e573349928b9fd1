import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { LogRecord, StoredRecord } from '../log.ts';
import { LocalLog } from './local-log.ts';
import { tempDir } from './temp-dir.fixture.ts';

/** Retention as a forensic reader sees it: what every group has read must be gone from the files, not only from reads. */

function record(value: string, key: string | null = 'k'): LogRecord {
  return { key, value: Buffer.from(value), timestamp: 1_700_000_000_000 };
}

/** Every file under `dir`, read as bytes, that contains `marker`. */
async function filesHolding(dir: string, marker: string): Promise<string[]> {
  const needle = Buffer.from(marker);
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await fs.readFile(file)).includes(needle)) found.push(path.relative(dir, file));
  }
  return found;
}

async function segmentBases(dir: string, topic: string, partition = 0): Promise<number[]> {
  return (await fs.readdir(path.join(dir, topic, String(partition)))).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('LocalLog retention of consumed records', () => {
  it('leaves no byte of a record in the log folder once the only group has read past it', async () => {
    const dir = await tempDir();
    let log = await LocalLog.open(dir);
    try {
      await log.ensureTopic('t', 1);
      // Several flushes into one active segment (64 MiB: it never fills here).
      for (let i = 0; i < 20; i++) await log.append('t', [record(`subject-4711-marker-${i}`)]);
      assert.deepEqual(await filesHolding(dir, 'subject-4711-marker'), ['t/0/00000000000000000000.log']);
      assert.equal(await log.applyRetention(), 0, 'no group has committed: everything stays');

      await log.commit('lander', [{ topic: 't', partition: 0, offset: 20 }]);
      const freed = await log.applyRetention();
      assert.ok(freed > 0);
      assert.deepEqual(await filesHolding(dir, 'subject-4711-marker'), []);
      assert.deepEqual(await segmentBases(dir, 't'), [20]);
      assert.equal(log.startOffset('t', 0), 20);
      assert.equal(log.endOffset('t', 0), 20);
      assert.equal(log.stats().bytes, 0);
      assert.deepEqual(await log.read('t', 0, 0), [], 'a read below the start reads from the start');

      // Offsets go on where they were, and the next retention with nothing new does nothing.
      assert.deepEqual(await log.append('t', [record('after')]), [{ partition: 0, offset: 20 }]);
      assert.equal(await log.applyRetention(), 0);
      await log.close();

      log = await LocalLog.open(dir);
      assert.equal(log.startOffset('t', 0), 20);
      assert.equal(log.endOffset('t', 0), 21);
      assert.deepEqual(
        (await log.read('t', 0, 0)).map((r) => [r.offset, r.value.toString()]),
        [[20, 'after']],
      );
      assert.deepEqual(await filesHolding(dir, 'subject-4711-marker'), []);
    } finally {
      await log.close();
    }
  });

  it('keeps every record a lagging group has not read, and lets them go once it has', async () => {
    const dir = await tempDir();
    const log = await LocalLog.open(dir, { segmentBytes: 200 });
    try {
      await log.ensureTopic('t', 1);
      for (let i = 0; i < 30; i++) await log.append('t', [record(`marker-${String(i).padStart(2, '0')}`)]);
      await log.commit('fast', [{ topic: 't', partition: 0, offset: 30 }]);
      await log.commit('slow', [{ topic: 't', partition: 0, offset: 12 }]);
      await log.applyRetention();

      const start = log.startOffset('t', 0);
      assert.ok(start > 0 && start <= 12, `segments below the slow group went (start ${start})`);
      assert.equal(log.endOffset('t', 0), 30, 'no roll while a group has records left to read');
      const unread = await log.read('t', 0, 12, { maxRecords: 100 });
      assert.deepEqual(
        unread.map((r) => r.value.toString()),
        Array.from({ length: 18 }, (_, i) => `marker-${String(12 + i).padStart(2, '0')}`),
      );
      for (let i = 0; i < start; i++) assert.deepEqual(await filesHolding(dir, `marker-${String(i).padStart(2, '0')}`), [], `record ${i} is gone`);

      await log.commit('slow', [{ topic: 't', partition: 0, offset: 30 }]);
      await log.applyRetention();
      assert.deepEqual(await filesHolding(dir, 'marker-'), []);
      assert.equal(log.startOffset('t', 0), 30);
    } finally {
      await log.close();
    }
  });

  it('rolls a busy partition by age, so records every group has read go though the end is never reached', async () => {
    const dir = await tempDir();
    const log = await LocalLog.open(dir, { segmentMs: 50 });
    try {
      await log.ensureTopic('t', 1);
      for (let i = 0; i < 5; i++) await log.append('t', [record(`old-marker-${i}`)]);
      await log.append('t', [record('young-0')]);
      assert.deepEqual(await segmentBases(dir, 't'), [0], 'younger than segmentMs: no roll');
      await sleep(60);
      for (let i = 1; i < 5; i++) await log.append('t', [record(`young-${i}`)]);
      assert.deepEqual(await segmentBases(dir, 't'), [0, 6], 'the first write past segmentMs rolled');

      // The group is inside the new segment, not at the end: the old segment goes, the active one stays.
      await log.commit('lander', [{ topic: 't', partition: 0, offset: 8 }]);
      await log.applyRetention();
      assert.deepEqual(await filesHolding(dir, 'old-marker'), []);
      assert.deepEqual(await segmentBases(dir, 't'), [6]);
      assert.deepEqual(
        (await log.read('t', 0, 8)).map((r) => r.value.toString()),
        ['young-3', 'young-4'],
      );
    } finally {
      await log.close();
    }
  });

  it('never lets a roll at retention and an append meet in the middle', async () => {
    const dir = await tempDir();
    const log = await LocalLog.open(dir);
    try {
      await log.ensureTopic('t', 1);
      for (let i = 0; i < 20; i++) {
        // The group is at the end, so retention rolls; the append's flush starts while the roll creates its file.
        await log.commit('g', [{ topic: 't', partition: 0, offset: i }]);
        const [, [position]] = await Promise.all([log.applyRetention(), log.append('t', [record(`r${i}`)])]);
        assert.deepEqual(position, { partition: 0, offset: i });
        assert.deepEqual(
          (await log.read('t', 0, i)).map((r) => r.value.toString()),
          [`r${i}`],
          `record ${i} reads back after the roll`,
        );
      }
      await log.close();
      const reopened = await LocalLog.open(dir);
      assert.equal(reopened.endOffset('t', 0), 20);
      assert.deepEqual(
        (await reopened.read('t', 0, 19)).map((r) => r.value.toString()),
        ['r19'],
      );
      await reopened.close();
    } finally {
      await log.close();
    }
  });

  it('keeps order and loses nothing while appends, reads, waits and retention all run at once', async () => {
    const dir = await tempDir();
    // Small and young segments, so that rolls at writes and at retention happen all the time.
    let log = await LocalLog.open(dir, { segmentBytes: 2048, segmentMs: 3 });
    const partitions = 2;
    const writers = 6;
    const perWriter = 500;
    try {
      await log.ensureTopic('t', partitions);
      let writing = true;
      const write = async (w: number): Promise<void> => {
        for (let i = 0; i < perWriter; i++) {
          await log.append('t', [record(`w${w}-${i}`, `writer-${w}`)]);
          if (i % 20 === 0) await sleep(1);
        }
      };
      const seen: StoredRecord[][] = Array.from({ length: partitions }, () => []);
      const consume = async (p: number): Promise<void> => {
        let offset = 0;
        while (writing || offset < log.endOffset('t', p)) {
          await log.waitFor('t', p, offset, 20);
          const records = await log.read('t', p, offset, { maxRecords: 17 });
          for (const r of records) assert.equal(r.offset, offset++, `partition ${p} reads every offset once, in order`);
          seen[p]!.push(...records);
          await log.commit('g', [{ topic: 't', partition: p, offset }]);
          await log.applyRetention();
        }
      };
      const retainAll = async (): Promise<void> => {
        while (writing) {
          await log.applyRetention();
          await sleep(0);
        }
      };
      const consumers = Array.from({ length: partitions }, (_, p) => consume(p));
      const retention = retainAll();
      await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));
      writing = false;
      await Promise.all([...consumers, retention]);

      const all = seen.flat();
      assert.equal(all.length, writers * perWriter);
      for (let w = 0; w < writers; w++) {
        const mine = all.filter((r) => r.key === `writer-${w}`).map((r) => r.value.toString());
        assert.deepEqual(
          mine,
          Array.from({ length: perWriter }, (_, i) => `w${w}-${i}`),
          `writer ${w}'s records, once each and in order`,
        );
      }
      await log.applyRetention();
      for (let p = 0; p < partitions; p++) assert.equal(log.startOffset('t', p), log.endOffset('t', p));
      assert.deepEqual(await filesHolding(dir, 'w0-'), []);
      assert.equal(log.stats().bytes, 0);
      const ends = Array.from({ length: partitions }, (_, p) => log.endOffset('t', p));
      await log.close();

      log = await LocalLog.open(dir);
      for (let p = 0; p < partitions; p++) {
        assert.equal(log.startOffset('t', p), ends[p]);
        assert.equal(log.endOffset('t', p), ends[p]);
      }
    } finally {
      await log.close();
    }
  });

  it('refuses a segmentMs that is not a whole number of milliseconds', async () => {
    await assert.rejects(LocalLog.open(await tempDir(), { segmentMs: 0 }), /segmentMs must be a whole number of milliseconds above 0/);
  });
});
