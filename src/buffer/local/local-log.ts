/**
 * The embedded buffer: a `Log` kept in segment files on the local disk, for a
 * single Pond process that needs no Kafka.
 *
 *   <dir>/LOCK                                  pid of the process that has it open
 *   <dir>/<topic>/topic.json                    { "partitions": N }, written atomically
 *   <dir>/<topic>/<partition>/<base offset>.log segments (see segment.ts, record-codec.ts)
 *   <dir>/groups/<group>.json                   committed offsets (see group-offsets.ts)
 *
 * Appends are group-committed: `append` encodes its records at once and
 * queues them; a single flush loop writes everything queued for a partition
 * in one writev, fdatasyncs every file it touched in parallel, and only then
 * moves the high watermark and resolves the appends. Appends that arrive while
 * a flush runs wait for the next one, so under load one fsync covers thousands
 * of calls. A failed write or fsync fails the log: the appends are rejected
 * and no later one is accepted, because after a failed fsync nobody knows what
 * the disk holds (the records may or may not be there after a restart).
 *
 * Retention deletes what every consumer group has read, so that events do not
 * stay on disk after they were consumed (they may hold personal data that a
 * forgotten subject must not leave behind). It removes whole segments below
 * the lowest committed offset, and, since a partition always writes to its
 * newest (active) segment, that segment has to roll for its records to go:
 *
 * - when every group has read to the end, retention rolls the partition to a
 *   new, empty segment at the end offset and deletes the old one, so a quiet
 *   partition keeps nothing once its events are consumed;
 * - in a partition that always has a few unread records (a busy one, with a
 *   consumer a second behind), the active segment rolls at the first write
 *   `segmentMs` after its first record (as Kafka's `segment.ms`), and once the
 *   groups pass it, it goes like any full segment. Consumed records thus stay
 *   at most about `segmentMs` plus the consumer's lag.
 *
 * Rolling at a write in the busy case, rather than at retention, is the
 * simpler of the two: the write already holds the partition's turn to change
 * segments and knows the offset the new segment starts at. Rolling by age
 * alone would not do for a quiet partition (no write comes to roll it), and
 * rolling at the end alone would not do for a busy one (the groups are never
 * at the end when retention runs), hence both.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import {
  BufferFullError,
  BufferUnavailableError,
  type Log,
  type LogRecord,
  type LogStats,
  type RecordPosition,
  type StoredRecord,
  type TopicPartitionOffset,
} from '../log.ts';
import { encodeAppend, planAppend } from './append-encoder.ts';
import { DirLock } from './dir-lock.ts';
import { makeDirDurable } from './durable-file.ts';
import { GroupOffsets } from './group-offsets.ts';
import type { PartitionLog, PendingWrite, RollLimits } from './partition-log.ts';
import { createTopicFolder, openTopicFolder } from './topic-folder.ts';

export interface LocalLogOptions {
  /**
   * Segment bytes (all topics) past which appends are refused; 0 = unbounded. Default 1 GiB.
   * Appends already accepted still land, so the files can pass it by up to `maxPendingBytes`.
   */
  readonly maxBytes?: number;
  /** A partition starts a new segment file once its active one holds this much. Default 64 MiB. */
  readonly segmentBytes?: number;
  /**
   * A partition starts a new segment file at the first write this many ms
   * after its active one got its first record, so that retention can delete
   * consumed records of a partition that is never fully read. Default one
   * minute: it bounds how long consumed events stay on disk, and costs a busy
   * partition one file created and one deleted a minute.
   */
  readonly segmentMs?: number;
  /** Bytes accepted but not yet fsynced past which appends are refused. Default 64 MiB. */
  readonly maxPendingBytes?: number;
}

/** What opening found torn at the end of last segments (a crash mid-write) and cut off. */
export interface LogRecovery {
  readonly truncatedBytes: number;
  /** Partitions that had a torn tail. */
  readonly partitions: number;
}

const MiB = 1024 * 1024;
const GROUPS = 'groups';
const LOCK = 'LOCK';
/** Topic and group names become file names: Kafka's topic alphabet, and never a reserved name. */
const NAME = /^[A-Za-z0-9._-]{1,249}$/;

interface Topic {
  readonly partitions: readonly PartitionLog[];
  /** The next partition for a record without a key. */
  roundRobin: number;
}

/** An append waiting for the flush that makes it durable. */
interface WaitingAppend {
  readonly positions: RecordPosition[];
  readonly bytes: number;
  readonly resolve: (positions: RecordPosition[]) => void;
  readonly reject: (error: Error) => void;
}

export class LocalLog implements Log {
  private readonly topics = new Map<string, Topic>();
  private readonly creating = new Map<string, Promise<void>>();
  private readonly maxBytes: number;
  private readonly limits: RollLimits;
  private readonly maxPendingBytes: number;

  /** Appends queued for the next flush, and the partitions they touch. */
  private waiting: WaitingAppend[] = [];
  private dirty = new Set<PartitionLog>();
  private flushRunning = false;
  private flushDone: Promise<void> = Promise.resolve();

  private bytes = 0;
  private pendingBytes = 0;
  private syncs = 0;
  private syncedRecords = 0;
  private failure: BufferUnavailableError | undefined;
  private closing: Promise<void> | undefined;
  private retention: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly lock: DirLock,
    private readonly groups: GroupOffsets,
    options: LocalLogOptions,
    readonly recovery: LogRecovery,
  ) {
    this.maxBytes = options.maxBytes ?? 1024 * MiB;
    this.limits = { segmentBytes: options.segmentBytes ?? 64 * MiB, segmentMs: options.segmentMs ?? 60_000 };
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * MiB;
  }

  /**
   * Opens (or creates) the log in `dir`: takes its lock, loads consumer
   * groups, and checks every segment, cutting off a torn tail left by a crash.
   *
   * @example
   * const log = await LocalLog.open('.pond/buffer', { maxBytes: 2 * 1024 ** 3 });
   * await log.ensureTopic('events', 4);
   * const [position] = await log.append('events', [{ key: 'user-1', value: Buffer.from('{}'), timestamp: Date.now() }]);
   * const records = await log.read('events', position!.partition, 0);
   */
  static async open(dir: string, options: LocalLogOptions = {}): Promise<LocalLog> {
    for (const [name, value] of Object.entries(options)) {
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= (name === 'maxBytes' ? 0 : 1))) {
        const unit = name === 'segmentMs' ? 'milliseconds' : 'bytes';
        throw new PondError(
          'BAD_ARGUMENT',
          `buffer option ${name} must be a whole number of ${unit}${name === 'maxBytes' ? ' (0 = unbounded)' : ' above 0'}, not ${String(value)}`,
        );
      }
    }
    await makeDirDurable(dir);
    const lock = await DirLock.acquire(dir);
    const topics = new Map<string, Topic>();
    try {
      const groups = await GroupOffsets.open(path.join(dir, GROUPS));
      let truncatedBytes = 0;
      let tornPartitions = 0;
      for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name === GROUPS) continue;
        const opened = await openTopicFolder(path.join(dir, entry.name));
        if (opened === undefined) continue; // a creation cut short: ensureTopic starts it over
        topics.set(entry.name, { partitions: opened.partitions, roundRobin: 0 });
        truncatedBytes += opened.truncatedBytes;
        tornPartitions += opened.tornPartitions;
      }
      const log = new LocalLog(dir, lock, groups, options, { truncatedBytes, partitions: tornPartitions });
      for (const [name, topic] of topics) {
        log.topics.set(name, topic);
        for (const p of topic.partitions) log.bytes += p.bytes;
      }
      return log;
    } catch (error) {
      await Promise.all([...topics.values()].flatMap((t) => t.partitions.map((p) => p.close())));
      await lock.release();
      throw error;
    }
  }

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    checkName('topic', topic);
    if (topic === GROUPS || topic === LOCK) {
      throw new PondError(
        'BAD_ARGUMENT',
        `"${topic}" cannot be a topic name: the buffer keeps its own ${topic === GROUPS ? 'consumer groups folder' : 'lock file'} under that name`,
      );
    }
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 10_000) {
      throw new PondError('BAD_ARGUMENT', `topic "${topic}" needs a whole number of partitions from 1 to 10000, not ${partitions}`);
    }
    this.assertOpen();
    while (!this.topics.has(topic)) {
      const running = this.creating.get(topic);
      if (running) {
        await running;
        continue;
      }
      const creation = this.createTopic(topic, partitions).finally(() => this.creating.delete(topic));
      this.creating.set(topic, creation);
      await creation;
    }
  }

  private async createTopic(topic: string, count: number): Promise<void> {
    const partitions = await createTopicFolder(path.join(this.dir, topic), count);
    this.topics.set(topic, { partitions, roundRobin: 0 });
  }

  partitionCount(topic: string): number {
    return this.topic(topic).partitions.length;
  }

  append(topic: string, records: readonly LogRecord[]): Promise<RecordPosition[]> {
    try {
      const refusal = this.closing ? this.closedError() : this.failure;
      if (refusal) throw refusal;
      const t = this.topic(topic);
      if (records.length === 0) return Promise.resolve([]);
      const count = t.partitions.length;
      const plan = planAppend(records, count, () => t.roundRobin++ % count);
      if (this.maxBytes > 0 && this.bytes >= this.maxBytes) throw this.fullError();
      if (this.pendingBytes > 0 && this.pendingBytes + plan.totalBytes > this.maxPendingBytes) throw this.pendingError();
      const { positions, batches } = encodeAppend(plan, (p, n) => t.partitions[p]!.claim(n));
      for (let p = 0; p < count; p++) {
        const batch = batches[p];
        if (batch === undefined) continue;
        const partition = t.partitions[p]!;
        partition.enqueue(batch);
        this.dirty.add(partition);
      }
      this.pendingBytes += plan.totalBytes;
      return new Promise<RecordPosition[]>((resolve, reject) => {
        this.waiting.push({ positions, bytes: plan.totalBytes, resolve, reject });
        this.scheduleFlush();
      });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private scheduleFlush(): void {
    if (this.flushRunning) return;
    this.flushRunning = true;
    // setImmediate, not now: appends made by the other I/O callbacks of this loop turn join the first flush.
    this.flushDone = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.flushOnce();
    } finally {
      // Set in the same turn as the emptiness check above, so no append can slip between them unflushed.
      this.flushRunning = false;
    }
  }

  /** One group commit: everything queued so far, written, fsynced, published, resolved. Never throws. */
  private async flushOnce(): Promise<void> {
    const appends = this.waiting;
    const partitions = [...this.dirty];
    this.waiting = [];
    this.dirty = new Set();
    try {
      const work: PendingWrite[] = partitions.map((p) => p.takePending());
      await Promise.all(partitions.map((p, i) => p.write(work[i]!, this.limits)));
      let bytes = 0;
      let records = 0;
      for (const a of appends) bytes += a.bytes;
      for (const [i, p] of partitions.entries()) {
        const w = work[i]!;
        p.publish(w.endOffset);
        records += w.endOffset - w.firstOffset;
      }
      this.bytes += bytes;
      this.pendingBytes -= bytes;
      this.syncs++;
      this.syncedRecords += records;
      for (const a of appends) a.resolve(a.positions);
    } catch (error) {
      this.fail(error, appends);
    }
  }

  private fail(error: unknown, appends: WaitingAppend[]): void {
    this.failure = new BufferUnavailableError(
      `the buffer at ${this.dir} failed to write or fsync (${(error as Error).message}); it refuses appends until it is reopened, and records not yet acknowledged may or may not be there after that`,
      { cause: error },
    );
    const rejected = [...appends, ...this.waiting];
    this.waiting = [];
    this.dirty = new Set();
    this.pendingBytes = 0;
    for (const a of rejected) a.reject(this.failure);
  }

  read(topic: string, partition: number, offset: number, limits: { maxRecords?: number; maxBytes?: number } = {}): Promise<StoredRecord[]> {
    try {
      if (this.closing) throw this.closedError();
      return this.partition(topic, partition).read(offset, limits.maxRecords ?? 1000, limits.maxBytes ?? MiB);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  waitFor(topic: string, partition: number, offset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    try {
      this.assertOpen();
      return this.partition(topic, partition).waitFor(offset, timeoutMs, signal);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  endOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).endOffset;
  }

  startOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).startOffset;
  }

  async commit(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    checkName('group', group);
    this.assertOpen();
    for (const { topic, partition, offset } of offsets) {
      this.partition(topic, partition);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new PondError('BAD_ARGUMENT', `group "${group}" cannot commit offset ${offset} for ${topic}/${partition}: offsets are whole numbers from 0`);
      }
    }
    if (offsets.length === 0) return;
    await this.groups.commit(group, offsets);
  }

  async committed(group: string, topic: string, partition: number): Promise<number | undefined> {
    return this.groups.get(group, topic, partition);
  }

  applyRetention(): Promise<number> {
    if (this.closing) return Promise.reject(this.closedError());
    const run = this.retention.then(async () => {
      let freed = 0;
      for (const [name, topic] of this.topics) {
        for (const p of topic.partitions) {
          const floor = this.groups.floor(name, p.partition);
          if (floor === undefined) continue; // no group consumes this topic: keep everything
          // Every group is at the end: the active segment rolls, and goes below with the rest.
          await p.rollIfConsumed(floor);
          const bytes = await p.removeBelow(floor);
          freed += bytes;
          this.bytes -= bytes;
        }
      }
      return freed;
    });
    this.retention = run.catch(() => undefined);
    return run;
  }

  writable(): boolean {
    return (
      this.closing === undefined &&
      this.failure === undefined &&
      (this.maxBytes === 0 || this.bytes < this.maxBytes) &&
      this.pendingBytes < this.maxPendingBytes
    );
  }

  stats(): LogStats {
    return { bytes: this.bytes, maxBytes: this.maxBytes, pendingBytes: this.pendingBytes, syncs: this.syncs, syncedRecords: this.syncedRecords };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Appends already accepted are flushed; new ones are refused from here on.
    while (this.flushRunning) await this.flushDone;
    await Promise.all([...this.creating.values()].map((c) => c.catch(() => undefined)));
    await this.retention;
    await this.groups.close();
    await Promise.all([...this.topics.values()].flatMap((t) => t.partitions.map((p) => p.close())));
    await this.lock.release();
  }

  private topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (topic === undefined) {
      throw new PondError('NOT_FOUND', `topic "${name}" does not exist in the buffer at ${this.dir}`, { hint: 'create it with ensureTopic first' });
    }
    return topic;
  }

  private partition(topic: string, partition: number): PartitionLog {
    const partitions = this.topic(topic).partitions;
    const log = Number.isInteger(partition) ? partitions[partition] : undefined;
    if (log === undefined) {
      throw new PondError('BAD_ARGUMENT', `topic "${topic}" has partitions 0 to ${partitions.length - 1}; there is no partition ${partition}`);
    }
    return log;
  }

  private assertOpen(): void {
    if (this.closing) throw this.closedError();
  }

  private closedError(): BufferUnavailableError {
    return new BufferUnavailableError(`the buffer at ${this.dir} is closed`);
  }

  private fullError(): BufferFullError {
    return new BufferFullError(
      `the buffer at ${this.dir} holds ${formatBytes(this.bytes)}, at its bound of ${formatBytes(this.maxBytes)}: appends are refused until consumer groups commit their offsets and retention removes the segments every group has read past`,
    );
  }

  private pendingError(): BufferFullError {
    return new BufferFullError(
      `the buffer at ${this.dir} has ${formatBytes(this.pendingBytes)} accepted but not yet on disk, at its bound of ${formatBytes(this.maxPendingBytes)}: the disk is slower than the incoming data; retry shortly`,
      200,
    );
  }
}

function checkName(kind: 'topic' | 'group', name: string): void {
  if (!NAME.test(name) || name === '.' || name === '..') {
    throw new PondError('BAD_ARGUMENT', `${kind} name "${name}" must be 1 to 249 characters from A-Z, a-z, 0-9, ".", "_" and "-" (and not "." or "..")`);
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${(bytes / (1024 * MiB)).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
