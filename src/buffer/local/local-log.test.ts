import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PondError } from '../../errors/index.ts';
import { BufferFullError, BufferUnavailableError, type LogRecord, type RecordPosition, type StoredRecord } from '../log.ts';
import { partitionFor } from '../murmur2.ts';
import { LocalLog } from './local-log.ts';
import { Segment } from './segment.ts';
import { tempDir } from './temp-dir.fixture.ts';

function record(key: string | null, value: string, timestamp = 1_700_000_000_000): LogRecord {
  return { key, value: Buffer.from(value), timestamp };
}

/** Every durable record of a partition, read in small steps as a consumer would. */
async function readAll(log: LocalLog, topic: string, partition: number, from = 0, step = 7): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let offset = from;
  for (;;) {
    const batch = await log.read(topic, partition, offset, { maxRecords: step });
    if (batch.length === 0) return out;
    out.push(...batch);
    offset = batch[batch.length - 1]!.offset + 1;
  }
}

describe('LocalLog', () => {
  it('reads back what it appended, across partitions and segment rolls, with contiguous offsets', async () => {
    const dir = await tempDir();
    const log = await LocalLog.open(dir, { segmentBytes: 1024 });
    try {
      await log.ensureTopic('events', 3);
      const sent: LogRecord[] = [];
      for (let i = 0; i < 300; i++) sent.push(record(i % 10 === 0 ? null : `user-${i % 17}`, `value-${i}-${'x'.repeat(i % 40)}`, 1_700_000_000_000 + i));
      // Several flushes (a segment rolls only between them), each with two concurrent appends.
      const positions: RecordPosition[] = [];
      for (let i = 0; i < 300; i += 30) {
        positions.push(...(await Promise.all([log.append('events', sent.slice(i, i + 15)), log.append('events', sent.slice(i + 15, i + 30))])).flat());
      }
      assert.equal(positions.length, 300);

      for (let p = 0; p < 3; p++) {
        const records = await readAll(log, 'events', p);
        assert.deepEqual(
          records.map((r) => r.offset),
          records.map((_, i) => i),
          'offsets are contiguous from 0',
        );
        assert.equal(log.endOffset('events', p), records.length);
        for (const r of records) {
          const i = positions.findIndex((pos) => pos.partition === p && pos.offset === r.offset);
          const original = sent[i]!;
          assert.equal(r.key, original.key);
          assert.deepEqual(r.value, original.value);
          assert.equal(r.timestamp, original.timestamp);
          if (r.key !== null) assert.equal(p, partitionFor(r.key, 3), 'a key keeps its partition');
        }
        const segments = (await fs.readdir(path.join(dir, 'events', String(p)))).filter((f) => f.endsWith('.log'));
        assert.ok(segments.length > 1, `partition ${p} rolled its segment (${segments.length} files)`);
      }
      // Reading from any offset in the middle works through the sparse index.
      const middle = await log.read('events', 0, 40, { maxRecords: 3 });
      assert.deepEqual(
        middle.map((r) => r.offset),
        [40, 41, 42],
      );
    } finally {
      await log.close();
    }
  });

  it('spreads records without a key round robin', async () => {
    const log = await LocalLog.open(await tempDir());
    try {
      await log.ensureTopic('t', 4);
      const positions = await log.append(
        't',
        Array.from({ length: 8 }, (_, i) => record(null, String(i))),
      );
      assert.deepEqual(
        positions.map((p) => p.partition),
        [0, 1, 2, 3, 0, 1, 2, 3],
      );
    } finally {
      await log.close();
    }
  });

  it('shares one fsync among many concurrent appends', async () => {
    const log = await LocalLog.open(await tempDir());
    try {
      await log.ensureTopic('t', 4);
      const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => log.append('t', [record(`k${i}`, `v${i}`)])));
      const stats = log.stats();
      assert.equal(stats.syncedRecords, 1000);
      assert.ok(stats.syncs <= 20, `1000 appends took ${stats.syncs} group commits`);
      assert.equal(stats.pendingBytes, 0);
      for (let p = 0; p < 4; p++) {
        const offsets = results
          .flat()
          .filter((r) => r.partition === p)
          .map((r) => r.offset)
          .sort((a, b) => a - b);
        assert.deepEqual(
          offsets,
          offsets.map((_, i) => i),
        );
      }
    } finally {
      await log.close();
    }
  });

  it('keeps everything across close and reopen, and goes on with the next offsets', async () => {
    const dir = await tempDir();
    let log = await LocalLog.open(dir, { segmentBytes: 512 });
    await log.ensureTopic('t', 2);
    await log.append(
      't',
      Array.from({ length: 50 }, (_, i) => record(`k${i}`, `first-${i}`)),
    );
    const bytes = log.stats().bytes;
    await log.close();

    log = await LocalLog.open(dir, { segmentBytes: 512 });
    try {
      assert.equal(log.partitionCount('t'), 2);
      assert.deepEqual(log.recovery, { truncatedBytes: 0, partitions: 0 });
      assert.equal(log.stats().bytes, bytes);
      await log.ensureTopic('t', 5); // exists: the count stays
      assert.equal(log.partitionCount('t'), 2);
      const ends = [log.endOffset('t', 0), log.endOffset('t', 1)];
      assert.equal(ends[0]! + ends[1]!, 50);
      const [pos] = await log.append('t', [record('k1', 'second')]);
      assert.equal(pos!.offset, ends[pos!.partition]);
      const all = [...(await readAll(log, 't', 0)), ...(await readAll(log, 't', 1))];
      assert.equal(all.length, 51);
      assert.ok(all.some((r) => r.value.toString() === 'second'));
    } finally {
      await log.close();
    }
  });

  it('respects maxRecords and maxBytes, but always returns a record when there is one', async () => {
    const log = await LocalLog.open(await tempDir());
    try {
      await log.ensureTopic('t', 1);
      await log.append('t', [record('a', 'x'.repeat(5000)), record('a', 'small'), record('a', 'small'), record('a', 'y'.repeat(100_000))]);
      assert.equal((await log.read('t', 0, 0, { maxBytes: 10 })).length, 1);
      assert.equal((await log.read('t', 0, 0, { maxRecords: 2 })).length, 2);
      assert.deepEqual(
        (await log.read('t', 0, 1, { maxBytes: 100 })).map((r) => r.offset),
        [1, 2],
      );
      const big = await log.read('t', 0, 3, { maxBytes: 10 });
      assert.equal(big[0]!.value.length, 100_000);
      assert.deepEqual(await log.read('t', 0, 4), []);
      assert.deepEqual(await log.read('t', 0, 99), []);
    } finally {
      await log.close();
    }
  });

  it('refuses appends past maxBytes with BufferFullError, appending nothing', async () => {
    const log = await LocalLog.open(await tempDir(), { maxBytes: 1000 });
    try {
      await log.ensureTopic('t', 1);
      await log.append('t', [record('k', 'x'.repeat(1000))]);
      assert.equal(log.writable(), false);
      await assert.rejects(
        log.append('t', [record('k', 'more')]),
        (e: unknown) => e instanceof BufferFullError && /bound/.test(e.message) && /retention/.test(e.message),
      );
      assert.equal(log.endOffset('t', 0), 1);
      assert.equal(log.stats().maxBytes, 1000);
    } finally {
      await log.close();
    }
  });

  it('refuses appends while too much waits for the disk', async () => {
    const log = await LocalLog.open(await tempDir(), { maxPendingBytes: 1000 });
    try {
      await log.ensureTopic('t', 1);
      const first = log.append('t', [record('k', 'x'.repeat(800))]);
      await assert.rejects(log.append('t', [record('k', 'x'.repeat(800))]), BufferFullError);
      assert.equal(log.writable(), true);
      await first;
      assert.equal(log.endOffset('t', 0), 1);
    } finally {
      await log.close();
    }
  });

  it('wakes waiters on append, on timeout and on abort', async () => {
    const log = await LocalLog.open(await tempDir());
    try {
      await log.ensureTopic('t', 1);
      let woke = false;
      const waiting = log.waitFor('t', 0, 0, 5000).then(() => (woke = true));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(woke, false);
      await log.append('t', [record('k', 'v')]);
      await waiting;
      assert.equal(woke, true);

      const started = Date.now();
      await log.waitFor('t', 0, 1, 50);
      assert.ok(Date.now() - started >= 45, 'waited for the timeout');

      const controller = new AbortController();
      const aborted = log.waitFor('t', 0, 1, 60_000, controller.signal);
      controller.abort();
      await aborted;
      await log.waitFor('t', 0, 0, 60_000); // already durable: at once
    } finally {
      await log.close();
    }
  });

  it('keeps a second opener out, in this process and in another live one, and takes over a dead one', async () => {
    const dir = await tempDir();
    const log = await LocalLog.open(dir);
    await assert.rejects(LocalLog.open(dir), (e: unknown) => e instanceof Error && e.message === `the buffer at ${dir} is in use by process ${process.pid}`);
    await log.close();
    await assert.rejects(fs.access(path.join(dir, 'LOCK')));

    await fs.writeFile(path.join(dir, 'LOCK'), `${process.ppid}\n`); // alive: our parent
    await assert.rejects(LocalLog.open(dir), (e: unknown) => e instanceof Error && e.message.includes(`in use by process ${process.ppid}`));

    await fs.writeFile(path.join(dir, 'LOCK'), '2147483646\n'); // no such process
    const again = await LocalLog.open(dir);
    assert.equal((await fs.readFile(path.join(dir, 'LOCK'), 'utf8')).trim(), String(process.pid));
    await again.close();
  });

  it('refuses work once closed, and says what is wrong with bad arguments', async () => {
    const log = await LocalLog.open(await tempDir());
    await log.ensureTopic('t', 2);
    assert.throws(
      () => log.partitionCount('nope'),
      (e: unknown) => e instanceof PondError && e.code === 'NOT_FOUND',
    );
    await assert.rejects(log.append('nope', [record('k', 'v')]), (e: unknown) => e instanceof PondError && e.code === 'NOT_FOUND');
    await assert.rejects(log.read('t', 2, 0), (e: unknown) => e instanceof PondError && /no partition 2/.test(e.message));
    await assert.rejects(log.ensureTopic('../x', 1), (e: unknown) => e instanceof PondError && e.code === 'BAD_ARGUMENT');
    await assert.rejects(log.ensureTopic('groups', 1), (e: unknown) => e instanceof PondError && e.code === 'BAD_ARGUMENT');
    await log.close();
    assert.equal(log.writable(), false);
    await assert.rejects(log.append('t', [record('k', 'v')]), BufferUnavailableError);
  });

  it('fails, and stays failed, when an fsync fails: nothing is acknowledged that was not synced', async () => {
    const dir = await tempDir();
    const log = await LocalLog.open(dir);
    await log.ensureTopic('t', 2);
    await log.append('t', [record('a', 'kept')]);
    const sync = Segment.prototype.sync;
    Segment.prototype.sync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    try {
      const results = await Promise.allSettled([log.append('t', [record('a', 'lost')]), log.append('t', [record('b', 'lost')])]);
      for (const r of results) assert.ok(r.status === 'rejected' && r.reason instanceof BufferUnavailableError && /EIO/.test(r.reason.message));
    } finally {
      Segment.prototype.sync = sync;
    }
    assert.equal(log.writable(), false);
    await assert.rejects(log.append('t', [record('a', 'later')]), BufferUnavailableError);
    assert.equal(log.endOffset('t', partitionFor('a', 2)), 1, 'the high watermark did not move');
    assert.equal(log.stats().pendingBytes, 0);
    await log.close();
  });

  it('rejects malformed records before handing out offsets', async () => {
    const log = await LocalLog.open(await tempDir());
    try {
      await log.ensureTopic('t', 1);
      const bad = { key: 'k', value: 'not a buffer', timestamp: 1 } as unknown as LogRecord;
      await assert.rejects(log.append('t', [record('k', 'ok'), bad]), (e: unknown) => e instanceof PondError && /record 1/.test(e.message));
      assert.deepEqual(await log.append('t', [record('k', 'ok')]), [{ partition: 0, offset: 0 }]);
    } finally {
      await log.close();
    }
  });
});
