/**
 * One segment file of a partition: records from `baseOffset` on, appended and
 * never rewritten (except that recovery cuts a torn tail off the last one).
 *
 * Opening a segment reads it through once, checking every record's length,
 * CRC and offset, and builds a sparse in-memory index (an entry every
 * `INDEX_INTERVAL` bytes) so that a read from any offset starts at most a few
 * kilobytes before it instead of at the start of a 64 MiB file.
 */
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import { syncPath, writeFully } from './durable-file.ts';
import { checkRecord, recordSize } from './record-codec.ts';

/** Bytes between two entries of the sparse index. */
export const INDEX_INTERVAL = 4096;
const SCAN_CHUNK = 1 << 20;
const NAME = /^(\d{20})\.log$/;

/** `<20-digit zero-padded base offset>.log`, so that names sort as offsets do. */
export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

/** The base offset a segment file name holds, or undefined for other files. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

export class Segment {
  /** Bytes written (durable or not). */
  size: number;
  /** Bytes known durable: readers stop here. */
  durableSize: number;
  /** The offset after the last record written. */
  endOffset: number;
  private readonly indexOffsets: number[] = [];
  private readonly indexPositions: number[] = [];
  private pins = 0;
  private removed = false;
  private closed = false;

  private constructor(
    readonly file: string,
    readonly baseOffset: number,
    private readonly handle: FileHandle,
  ) {
    this.size = 0;
    this.durableSize = 0;
    this.endOffset = baseOffset;
  }

  /**
   * Creates an empty segment; the file and its name in `dir` are durable when
   * this resolves. When that fails the file is removed again, so that a retry
   * can create it (an empty last segment left behind by a crash is harmless).
   */
  static async create(dir: string, baseOffset: number): Promise<Segment> {
    const file = path.join(dir, segmentFileName(baseOffset));
    const handle = await fs.open(file, 'wx+', 0o644);
    try {
      await handle.sync();
      await syncPath(dir);
    } catch (error) {
      await handle.close();
      await fs.rm(file, { force: true }).catch(() => undefined);
      throw error;
    }
    return new Segment(file, baseOffset, handle);
  }

  /**
   * Opens a segment and checks every record. In the last segment of a
   * partition, the first torn or corrupt record and everything after it are a
   * write cut short by a crash: they are cut off (truncate + fsync) and their
   * size returned. Anywhere else they are damage, and opening fails.
   */
  static async open(file: string, baseOffset: number, options: { last: boolean }): Promise<{ segment: Segment; truncatedBytes: number }> {
    const handle = await fs.open(file, options.last ? 'r+' : 'r');
    try {
      const segment = new Segment(file, baseOffset, handle);
      const fileSize = (await handle.stat()).size;
      const { position, problem } = await segment.scan(fileSize);
      if (problem !== undefined && !options.last) {
        throw new PondError('STORAGE_UNAVAILABLE', `segment ${file} is damaged at byte ${position}: ${problem}`, {
          retryable: false,
          where: `${file}, byte ${position}`,
          hint: 'only the last segment of a partition can have a torn tail after a crash; this is damage to an older one. Restore the file from a backup, or move it and the segments before it away to drop their records.',
        });
      }
      if (position < fileSize) {
        await handle.truncate(position);
        await handle.sync();
      }
      segment.size = position;
      segment.durableSize = position;
      return { segment, truncatedBytes: fileSize - position };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Walks the file from the start: where the good records end, and why they stop there if before the end. */
  private async scan(fileSize: number): Promise<{ position: number; problem: string | undefined }> {
    let position = 0;
    let want = SCAN_CHUNK;
    scan: while (position < fileSize) {
      const buffer = await this.readAt(position, Math.min(Math.max(want, SCAN_CHUNK), fileSize - position));
      let p = 0;
      while (p < buffer.length) {
        const check = checkRecord(buffer, p);
        if (check.kind === 'corrupt') return { position: position + p, problem: check.reason };
        if (check.kind === 'incomplete') {
          const needed = (check.end ?? p + 4) - p;
          if (position + p + needed > fileSize) {
            return { position: position + p, problem: `the file ends inside a record (torn write of ${fileSize - position - p} bytes)` };
          }
          position += p;
          want = needed;
          continue scan;
        }
        if (check.offset !== this.endOffset) {
          return { position: position + p, problem: `record offset ${check.offset} where ${this.endOffset} was expected` };
        }
        this.addIndexEntry(this.endOffset++, position + p);
        p = check.end;
      }
      position += p;
      want = SCAN_CHUNK;
    }
    return { position, problem: undefined };
  }

  /**
   * Writes batches of encoded records (offsets `firstOffset` on, contiguous)
   * after the last byte written, in one writev; not yet durable.
   */
  async append(batches: readonly Buffer[], firstOffset: number): Promise<void> {
    await writeFully(this.handle, batches, this.size);
    let position = this.size;
    let offset = firstOffset;
    for (const batch of batches) {
      for (let p = 0; p < batch.length; p += recordSize(batch, p)) this.addIndexEntry(offset++, position + p);
      position += batch.length;
    }
    this.size = position;
    this.endOffset = offset;
  }

  /** fdatasync: the bytes written so far, and the file size, are durable. */
  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  /** The last indexed record at or before `offset`: where a scan for it starts. */
  floor(offset: number): { offset: number; position: number } {
    let lo = 0;
    let hi = this.indexOffsets.length - 1;
    if (hi < 0 || offset < this.indexOffsets[0]!) return { offset: this.baseOffset, position: 0 };
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.indexOffsets[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset: this.indexOffsets[lo]!, position: this.indexPositions[lo]! };
  }

  /** Reads up to `length` bytes at `position` (fewer at the end of the file) into a new buffer. */
  async readAt(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buffer, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === length ? buffer : buffer.subarray(0, filled);
  }

  /** Keeps the file handle open while a reader uses it, even if retention removes the segment meanwhile. */
  pin(): void {
    this.pins++;
  }

  unpin(): void {
    this.pins--;
    if (this.removed && this.pins === 0) void this.close().catch(() => undefined);
  }

  get isRemoved(): boolean {
    return this.removed;
  }

  /**
   * Deletes the file; the caller syncs the folder. From then on nothing under
   * the log folder names it, and reopening the log cannot find its records.
   * Readers that pinned it finish their read through the open handle, which
   * closes after the last one. Unlinking is all the log does: whether the
   * freed blocks are overwritten, trimmed or left in the disk's free space is
   * the file system's business (and encryption of the disk's, for a device
   * that leaves the building).
   */
  async remove(): Promise<void> {
    this.removed = true;
    await fs.rm(this.file, { force: true });
    if (this.pins === 0) await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private addIndexEntry(offset: number, position: number): void {
    const last = this.indexPositions.length - 1;
    if (last >= 0 && position - this.indexPositions[last]! < INDEX_INTERVAL) return;
    this.indexOffsets.push(offset);
    this.indexPositions.push(position);
  }
}
