import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { LogRecord, StoredRecord } from '../log.ts';
import { LocalLog } from './local-log.ts';
import { RECORD_OVERHEAD } from './record-codec.ts';
import { parseSegmentFileName, segmentFileName } from './segment.ts';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** A log with one single-partition topic holding `count` records of known size, closed again. */
async function logWith(count: number, options: { segmentBytes?: number } = {}): Promise<{ dir: string; segment: string; recordBytes: number }> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'pond-buffer-'));
  dirs.push(dir);
  const log = await LocalLog.open(dir, options);
  await log.ensureTopic('t', 1);
  // One append per record, so each is its own flush and segments can roll between them.
  for (let i = 0; i < count; i++) await log.append('t', [value(i)]);
  await log.close();
  const files = (await fs.readdir(path.join(dir, 't', '0'))).filter((f) => f.endsWith('.log')).sort();
  return { dir, segment: path.join(dir, 't', '0', files[files.length - 1]!), recordBytes: RECORD_OVERHEAD + 1 + 10 };
}

function value(i: number): LogRecord {
  return { key: 'k', value: Buffer.from(`record-${String(i).padStart(3, '0')}`), timestamp: 1000 + i };
}

async function readAll(log: LocalLog): Promise<StoredRecord[]> {
  return log.read('t', 0, 0, { maxRecords: 10_000 });
}

describe('LocalLog recovery', () => {
  it('cuts a record torn in half off the last segment, and goes on at its offset', async () => {
    const { dir, segment, recordBytes } = await logWith(10);
    const size = (await fs.stat(segment)).size;
    assert.equal(size, 10 * recordBytes);
    await fs.truncate(segment, size - 7);

    let log = await LocalLog.open(dir);
    assert.deepEqual(log.recovery, { truncatedBytes: recordBytes - 7, partitions: 1 });
    assert.equal((await fs.stat(segment)).size, 9 * recordBytes);
    assert.deepEqual(
      (await readAll(log)).map((r) => r.value.toString()),
      Array.from({ length: 9 }, (_, i) => value(i).value.toString()),
    );
    const [position] = await log.append('t', [value(99)]);
    assert.deepEqual(position, { partition: 0, offset: 9 });
    await log.close();

    log = await LocalLog.open(dir);
    assert.deepEqual(log.recovery, { truncatedBytes: 0, partitions: 0 });
    assert.deepEqual(
      (await readAll(log)).map((r) => r.offset),
      Array.from({ length: 10 }, (_, i) => i),
    );
    await log.close();
  });

  it('cuts garbage written after the last record', async () => {
    const { dir, segment } = await logWith(5);
    await fs.appendFile(segment, Buffer.alloc(37, 0xff));
    const log = await LocalLog.open(dir);
    try {
      assert.deepEqual(log.recovery, { truncatedBytes: 37, partitions: 1 });
      assert.equal((await readAll(log)).length, 5);
      assert.equal(log.endOffset('t', 0), 5);
    } finally {
      await log.close();
    }
  });

  it('truncates the last segment from a record whose CRC does not match', async () => {
    const { dir, segment, recordBytes } = await logWith(10);
    const bytes = await fs.readFile(segment);
    bytes[5 * recordBytes + RECORD_OVERHEAD + 3]! ^= 0x01; // a bit of record 5's value
    await fs.writeFile(segment, bytes);
    const log = await LocalLog.open(dir);
    try {
      assert.deepEqual(log.recovery, { truncatedBytes: 5 * recordBytes, partitions: 1 });
      assert.deepEqual(
        (await readAll(log)).map((r) => r.offset),
        [0, 1, 2, 3, 4],
      );
      assert.deepEqual(await log.append('t', [value(5)]), [{ partition: 0, offset: 5 }]);
    } finally {
      await log.close();
    }
  });

  it('refuses to open over damage in an older segment, naming the file and byte', async () => {
    const { dir, recordBytes } = await logWith(12, { segmentBytes: 100 });
    const files = (await fs.readdir(path.join(dir, 't', '0'))).sort();
    assert.ok(files.length > 2, `several segments (${files.join(', ')})`);
    const first = path.join(dir, 't', '0', files[0]!);
    const bytes = await fs.readFile(first);
    bytes[recordBytes + 30]! ^= 0x40; // inside the second record
    await fs.writeFile(first, bytes);
    await assert.rejects(LocalLog.open(dir), (e: unknown) => e instanceof Error && e.message.includes(first) && e.message.includes(`byte ${recordBytes}`));
    // Refusing to open also gave the lock back.
    await assert.rejects(fs.access(path.join(dir, 'LOCK')));
  });

  it('reads across many segments after reopening, from any offset', async () => {
    const { dir } = await logWith(40, { segmentBytes: 100 });
    const log = await LocalLog.open(dir, { segmentBytes: 100 });
    try {
      for (const from of [0, 1, 13, 38, 39]) {
        const records = await log.read('t', 0, from, { maxRecords: 5 });
        assert.deepEqual(
          records.map((r) => r.offset),
          Array.from({ length: Math.min(5, 40 - from) }, (_, i) => from + i),
        );
        assert.equal(records[0]!.value.toString(), value(from).value.toString());
      }
    } finally {
      await log.close();
    }
  });
});

describe('LocalLog recovery from a crash in retention', () => {
  it('opens a partition left between a roll (a new, empty segment at the end) and the deletion of the old one', async () => {
    const { dir, segment } = await logWith(10);
    let log = await LocalLog.open(dir);
    await log.commit('g', [{ topic: 't', partition: 0, offset: 10 }]);
    await log.close();
    // What a kill after the roll's fsyncs and before the old segment's unlink leaves.
    await fs.writeFile(path.join(dir, 't', '0', segmentFileName(10)), '');

    log = await LocalLog.open(dir);
    try {
      assert.deepEqual(log.recovery, { truncatedBytes: 0, partitions: 0 });
      assert.equal(log.startOffset('t', 0), 0);
      assert.equal(log.endOffset('t', 0), 10);
      assert.equal((await readAll(log)).length, 10, 'nothing is lost before retention runs again');
      await log.applyRetention();
      await assert.rejects(fs.access(segment), 'the old segment goes at the next retention');
      assert.equal(log.startOffset('t', 0), 10);
      assert.deepEqual(await log.append('t', [value(10)]), [{ partition: 0, offset: 10 }]);
      assert.deepEqual(
        (await readAll(log)).map((r) => r.value.toString()),
        [value(10).value.toString()],
      );
    } finally {
      await log.close();
    }
  });

  it('opens a partition whose oldest segments were deleted before a kill, reading from its new start', async () => {
    const { dir } = await logWith(40, { segmentBytes: 100 });
    const folder = path.join(dir, 't', '0');
    const files = (await fs.readdir(folder)).sort();
    // removeBelow deletes oldest first, syncing the folder after each: a kill leaves a prefix gone.
    for (const file of files.slice(0, 2)) await fs.rm(path.join(folder, file));
    const start = parseSegmentFileName(files[2]!)!;
    const log = await LocalLog.open(dir);
    try {
      assert.equal(log.startOffset('t', 0), start);
      assert.equal(log.endOffset('t', 0), 40);
      assert.deepEqual(
        (await readAll(log)).map((r) => r.offset),
        Array.from({ length: 40 - start }, (_, i) => start + i),
      );
    } finally {
      await log.close();
    }
  });
});
