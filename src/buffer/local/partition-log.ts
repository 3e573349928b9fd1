/**
 * One partition of a topic: its segments in offset order, the records
 * accepted but not yet written, the high watermark readers stop at, and the
 * readers waiting for it to move.
 *
 * Offsets are handed out when a record is accepted (`claim`), so an append
 * knows its positions at once; the record becomes readable only when the
 * flush that wrote it has fsynced and `publish` moves the high watermark.
 *
 * The active (newest) segment changes in two places: a flush's `write` rolls
 * it when full or old, and retention's `rollIfConsumed` rolls it when every
 * group has read all of it. Both run one at a time on `segmentChanges`, so a
 * roll never lands between a write and the segment it wrote to, and a new
 * segment always starts at the offset the next written record gets.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import type { StoredRecord } from '../log.ts';
import { syncPath } from './durable-file.ts';
import { checkRecord, decodeRecord } from './record-codec.ts';
import { Segment, parseSegmentFileName, segmentFileName } from './segment.ts';

/** Below this, a read asks the file for this much anyway: one syscall is cheap, many are not. */
const MIN_READ = 16 * 1024;
/** Read positions remembered per partition, one per sequential reader (e.g. per consumer group). */
const READ_CACHE_SIZE = 8;

interface Waiter {
  readonly offset: number;
  readonly wake: () => void;
}

/** When the active segment is rolled before a write (see `PartitionLog.write`). */
export interface RollLimits {
  /** Bytes the active segment holds before the next write goes to a new one. */
  readonly segmentBytes: number;
  /** How long (ms) after its first record the active segment takes writes before the next write goes to a new one. */
  readonly segmentMs: number;
}

/** What one flush takes from a partition: encoded records `[firstOffset, endOffset)`. */
export interface PendingWrite {
  readonly batches: Buffer[];
  readonly firstOffset: number;
  readonly endOffset: number;
}

export class PartitionLog {
  /** The offset the next accepted record gets. */
  private nextOffset: number;
  /** Records below it are durable and readable. */
  private highWatermark: number;
  private pending: Buffer[] = [];
  private pendingFirst: number;
  private waiters: Waiter[] = [];
  /** Where sequential readers stopped: next offset → segment and byte position. */
  private readonly readCache = new Map<number, { segment: Segment; position: number }>();
  /** The tail of the chain that writes and rolls run on, one at a time. */
  private segmentChanges: Promise<unknown> = Promise.resolve();
  /**
   * When (monotonic ms) the active segment got its first record; undefined
   * while it is empty. A segment that already held records when the log was
   * opened counts from the opening: its age before that is not known.
   */
  private activeSince: number | undefined;
  /** A write failed: the active segment may hold bytes past its last good record, so it must stay last (see `rollIfConsumed`). */
  private writeFailed = false;

  private constructor(
    readonly dir: string,
    readonly partition: number,
    private readonly segments: Segment[],
  ) {
    const end = this.active.endOffset;
    this.nextOffset = end;
    this.highWatermark = end;
    this.pendingFirst = end;
    if (this.active.size > 0) this.activeSince = performance.now();
  }

  /** A new, empty partition folder with its first segment; durable when this resolves. */
  static async create(dir: string, partition: number): Promise<PartitionLog> {
    await fs.mkdir(dir);
    await syncPath(path.dirname(dir));
    return new PartitionLog(dir, partition, [await Segment.create(dir, 0)]);
  }

  /** Opens a partition folder, cutting a torn tail off its last segment. */
  static async open(dir: string, partition: number): Promise<{ log: PartitionLog; truncatedBytes: number }> {
    const names = await fs.readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const bases = names
      .map(parseSegmentFileName)
      .filter((b): b is number => b !== undefined)
      .sort((a, b) => a - b);
    if (bases.length === 0) {
      throw new PondError('STORAGE_UNAVAILABLE', `partition folder ${dir} holds no segment files (or is missing)`, {
        retryable: false,
        where: dir,
        hint: 'a partition always keeps at least its newest segment; the folder was emptied by hand or damaged. Restore it from a backup.',
      });
    }
    const segments: Segment[] = [];
    let truncatedBytes = 0;
    try {
      for (const [i, base] of bases.entries()) {
        const opened = await Segment.open(path.join(dir, segmentFileName(base)), base, { last: i === bases.length - 1 });
        const previous = segments[segments.length - 1];
        segments.push(opened.segment);
        truncatedBytes += opened.truncatedBytes;
        if (previous && previous.endOffset !== base) {
          throw new PondError(
            'STORAGE_UNAVAILABLE',
            `segment ${opened.segment.file} starts at offset ${base} but the one before it ends at ${previous.endOffset}`,
            {
              retryable: false,
              where: opened.segment.file,
              hint: 'segment files are missing or damaged; restore the partition folder from a backup.',
            },
          );
        }
      }
    } catch (error) {
      await Promise.all(segments.map((s) => s.close()));
      throw error;
    }
    return { log: new PartitionLog(dir, partition, segments), truncatedBytes };
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get startOffset(): number {
    return this.segments[0]!.baseOffset;
  }

  get endOffset(): number {
    return this.highWatermark;
  }

  /** Bytes held in this partition's segments. */
  get bytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  /** Hands out `count` offsets in a row and returns the first. */
  claim(count: number): number {
    const first = this.nextOffset;
    this.nextOffset += count;
    return first;
  }

  /** Queues encoded records for the next flush; they must carry the next claimed offsets, in order. */
  enqueue(batch: Buffer): void {
    this.pending.push(batch);
  }

  /** Takes everything queued, for one flush. */
  takePending(): PendingWrite {
    const write = { batches: this.pending, firstOffset: this.pendingFirst, endOffset: this.nextOffset };
    this.pending = [];
    this.pendingFirst = this.nextOffset;
    return write;
  }

  /**
   * Writes what one flush took and fsyncs it; the records stay unreadable until
   * `publish`. Rolls to a new segment first when the active one is full or
   * older than `segmentMs`, so a flush writes one file and every older segment
   * is complete and durable. Returns the bytes written.
   */
  write(work: PendingWrite, limits: RollLimits): Promise<number> {
    return this.changeSegments(async () => {
      try {
        let segment = this.active;
        const age = performance.now() - (this.activeSince ?? Infinity);
        if (segment.size > 0 && (segment.size >= limits.segmentBytes || age >= limits.segmentMs)) {
          segment = await this.roll(work.firstOffset);
        }
        const before = segment.size;
        await segment.append(work.batches, work.firstOffset);
        this.activeSince ??= performance.now();
        await segment.sync();
        return segment.size - before;
      } catch (error) {
        this.writeFailed = true;
        throw error;
      }
    });
  }

  /**
   * Retention's roll: when every group has read the whole active segment
   * (`offset`, the lowest committed offset, is at or past its end) and it holds
   * records, starts a new, empty segment at the end offset, so that
   * `removeBelow(offset)` can then delete the old one like any other. Without
   * this a partition with little traffic would keep every record it ever got,
   * since segments otherwise roll only when a write finds the active one full
   * or old. Returns whether it rolled.
   *
   * It rolls only when everything written is published (a flush between its
   * write and its publish would otherwise leave records in the old segment
   * that no reader has been shown yet) and never after a failed write (the
   * active segment may hold bytes of the failed write past its last good
   * record, which opening cuts off as a torn tail only in the last segment).
   */
  rollIfConsumed(offset: number): Promise<boolean> {
    return this.changeSegments(async () => {
      const segment = this.active;
      const end = segment.endOffset;
      if (this.writeFailed || segment.size === 0 || offset < end || this.highWatermark !== end || segment.durableSize !== segment.size) return false;
      await this.roll(end);
      return true;
    });
  }

  /**
   * Makes a new, empty segment starting at `baseOffset` the active one. Its
   * file and name are durable before it is used, and the old active segment
   * was fsynced by the write that filled it, so a crash from here on leaves a
   * complete segment followed by an empty one: a partition that opens as it was.
   */
  private async roll(baseOffset: number): Promise<Segment> {
    const segment = await Segment.create(this.dir, baseOffset);
    this.segments.push(segment);
    this.activeSince = undefined;
    return segment;
  }

  /** Runs `change` once the writes and rolls before it have finished. */
  private changeSegments<T>(change: () => Promise<T>): Promise<T> {
    const run = this.segmentChanges.then(change);
    this.segmentChanges = run.catch(() => undefined);
    return run;
  }

  /** Makes records below `endOffset` readable and wakes the readers waiting for them. */
  publish(endOffset: number): void {
    const segment = this.active;
    segment.durableSize = segment.size;
    this.highWatermark = endOffset;
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.offset < endOffset) w.wake();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** See `Log.read`. */
  async read(offset: number, maxRecords: number, maxBytes: number): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    let want = Math.max(offset, this.startOffset);
    if (want >= this.highWatermark || maxRecords <= 0) return out;
    let bytes = 0;
    let full = false;
    let need = 0; // bytes the record at `position` needs, when a read was too short for it
    let { segment, position, scanFrom } = this.locate(want);
    segment.pin();
    try {
      while (!full && out.length < maxRecords && want < this.highWatermark) {
        const end = segment.durableSize;
        if (position >= end) {
          // This segment is read to its end: go on in the one holding `want` (found anew: retention may have run).
          const next = this.locate(want, false);
          if (next.segment === segment || next.segment.baseOffset !== want) break;
          segment.unpin();
          ({ segment, position, scanFrom } = next);
          segment.pin();
          continue;
        }
        const buffer = await segment.readAt(
          position,
          Math.min(end - position, Math.max(need, this.readLength(segment, want - scanFrom, maxRecords - out.length, maxBytes - bytes))),
        );
        let p = 0;
        while (p < buffer.length) {
          const check = checkRecord(buffer, p);
          if (check.kind === 'corrupt') throw this.damaged(segment, position + p, check.reason);
          if (check.kind === 'incomplete') {
            if (position + buffer.length >= end) throw this.damaged(segment, position + p, 'a record runs past the durable end of the segment');
            need = (check.end ?? p + 4) - p;
            break;
          }
          if (check.offset >= want) {
            if (check.offset !== want) throw this.damaged(segment, position + p, `record offset ${check.offset} where ${want} was expected`);
            const size = check.end - p;
            if (out.length > 0 && bytes + size > maxBytes) {
              full = true;
              break;
            }
            out.push(decodeRecord(buffer, p, check.end, this.partition));
            bytes += size;
            want++;
          }
          p = check.end;
          if (out.length >= maxRecords || want >= this.highWatermark) break;
        }
        if (p > 0) need = 0;
        position += p;
        scanFrom = want;
      }
      this.remember(want, segment, position);
    } finally {
      segment.unpin();
    }
    return out;
  }

  /** How much to read: the gap to the wanted record plus what the limits let through, from the segment's average record size. */
  private readLength(segment: Segment, recordsToSkip: number, records: number, bytes: number): number {
    const count = segment.endOffset - segment.baseOffset;
    const average = count > 0 ? segment.size / count : 0;
    return Math.max(MIN_READ, Math.ceil(recordsToSkip * average + Math.min(bytes, records * average)));
  }

  /** See `Log.waitFor`. Never rejects. */
  waitFor(offset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (offset < this.highWatermark || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        wake();
      };
      const waiter: Waiter = { offset, wake };
      // setTimeout fires at once past 2^31 - 1 ms: cap long waits there (~24 days).
      const timer = setTimeout(onAbort, Math.min(Math.max(timeoutMs, 0), 2 ** 31 - 1));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Wakes every waiter (on close). */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.wake();
  }

  /**
   * Deletes the oldest segments whose records are all below `offset` (the
   * next segment starts at or below it); never the active one. Returns the
   * bytes freed. They go oldest first, with the folder fsynced after each, so
   * that a crash leaves a partition missing a prefix of its segments, never
   * one with a hole in its offsets (which would not open).
   */
  async removeBelow(offset: number): Promise<number> {
    const removed: Segment[] = [];
    while (this.segments.length > 1 && this.segments[1]!.baseOffset <= offset) removed.push(this.segments.shift()!);
    let freed = 0;
    for (const segment of removed) {
      freed += segment.size;
      await segment.remove();
      await syncPath(this.dir);
    }
    return freed;
  }

  async close(): Promise<void> {
    this.wakeAll();
    await Promise.all(this.segments.map((s) => s.close()));
  }

  /** The segment holding `offset` and the indexed position to scan for it from. */
  private locate(offset: number, useCache = true): { segment: Segment; position: number; scanFrom: number } {
    const cached = useCache ? this.readCache.get(offset) : undefined;
    if (cached && !cached.segment.isRemoved) return { segment: cached.segment, position: cached.position, scanFrom: offset };
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const segment = this.segments[lo]!;
    const floor = segment.floor(offset);
    return { segment, position: floor.position, scanFrom: floor.offset };
  }

  private remember(offset: number, segment: Segment, position: number): void {
    if (this.readCache.size >= READ_CACHE_SIZE) this.readCache.delete(this.readCache.keys().next().value!);
    this.readCache.set(offset, { segment, position });
  }

  private damaged(segment: Segment, position: number, reason: string): PondError {
    return new PondError('STORAGE_UNAVAILABLE', `segment ${segment.file} is damaged at byte ${position}: ${reason}`, {
      retryable: false,
      where: `${segment.file}, byte ${position}`,
      hint: 'a record that was durable no longer reads back; the disk or the file was damaged. Restore the partition folder from a backup.',
    });
  }
}
