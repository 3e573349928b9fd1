/**
 * The buffer: a durable, ordered, partitioned log with consumer groups, shaped
 * after Kafka so that the embedded implementation (local segment files) and a
 * Kafka one are interchangeable.
 *
 * - A topic has a fixed number of partitions. A record goes to the partition
 *   its key hashes to (murmur2, as Kafka's default partitioner), so every
 *   record with one key keeps its order; a record without a key goes round robin.
 * - Offsets count records within a partition from 0. A consumer group commits,
 *   per partition, the offset of the next record it will read.
 * - Readers see only durable records (Kafka: below the high watermark).
 * - Retention removes whole segments once every group that consumes the topic
 *   has committed past them, and rolls segments (when every group has read to
 *   the end, and by age) so that consumed records do not stay in the newest
 *   one for good: what every group has read leaves the log's files soon after.
 */

export interface LogRecord {
  /** Chooses the partition; null → round robin. */
  readonly key: string | null;
  readonly value: Buffer;
  /** ms since the epoch; set by the producer. */
  readonly timestamp: number;
}

export interface StoredRecord extends LogRecord {
  readonly partition: number;
  readonly offset: number;
}

export interface RecordPosition {
  readonly partition: number;
  readonly offset: number;
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset the group will read. */
  readonly offset: number;
}

export interface LogStats {
  /** Bytes held in segments (all topics). */
  readonly bytes: number;
  /** The bound past which appends are refused; 0 = unbounded. */
  readonly maxBytes: number;
  /** Bytes accepted but not yet durable. */
  readonly pendingBytes: number;
  /** Fsyncs (group commits) so far, and records they made durable. */
  readonly syncs: number;
  readonly syncedRecords: number;
}

export interface Log {
  /** Creates the topic with this many partitions if it does not exist; a no-op when it does (the count stays). */
  ensureTopic(topic: string, partitions: number): Promise<void>;
  /** Partition count of an existing topic. */
  partitionCount(topic: string): number;
  /**
   * Appends records (each to its key's partition) and resolves once every one
   * of them is durable, with their positions in order. Many concurrent calls
   * share one write and one fsync. Rejects with `BufferFullError` when the log
   * is over its bound, and `BufferUnavailableError` when it is closed or failed;
   * in both cases none of the records was appended.
   */
  append(topic: string, records: readonly LogRecord[]): Promise<RecordPosition[]>;
  /**
   * Durable records of one partition from `offset` on, in order, at most
   * `maxRecords` and (past the first record) about `maxBytes`. An offset below
   * the log start (removed by retention) reads from the log start.
   */
  read(topic: string, partition: number, offset: number, limits?: { maxRecords?: number; maxBytes?: number }): Promise<StoredRecord[]>;
  /**
   * Resolves when the partition has a durable record at or past `offset`, when
   * `timeoutMs` passes, on abort, or when the log closes while waiting; rejects
   * with `BufferUnavailableError` when the log is already closed (so a consumer
   * looping on it backs off instead of spinning).
   */
  waitFor(topic: string, partition: number, offset: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** The offset the next appended record will get (high watermark). */
  endOffset(topic: string, partition: number): number;
  /** The first offset still held. */
  startOffset(topic: string, partition: number): number;
  /** Records a group's position durably; the group then counts for retention. */
  commit(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** A group's committed offset, or undefined when it never committed for that partition. */
  committed(group: string, topic: string, partition: number): Promise<number | undefined>;
  /**
   * Deletes segments every group has consumed, the newest one included when
   * every group has read to the end (`startOffset` then equals `endOffset`);
   * returns the bytes freed. A topic no group has committed for keeps everything.
   */
  applyRetention(): Promise<number>;
  /** Whether appends are accepted now (open, healthy, under the bound). */
  writable(): boolean;
  stats(): LogStats;
  /** Finishes pending appends and closes files. */
  close(): Promise<void>;
}

/** The log is over its size bound: retry later (HTTP 429 with Retry-After). */
export class BufferFullError extends Error {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs = 1000) {
    super(message);
    this.name = 'BufferFullError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** The log cannot take writes (closed, or a write or fsync failed): retry later (HTTP 503). */
export class BufferUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BufferUnavailableError';
  }
}
