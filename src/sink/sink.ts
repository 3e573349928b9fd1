/**
 * The sink interface: one implementation per kind of target (postgres/,
 * sqlite/, webhook/, files/), each publishing one partition version at a
 * time. The publisher (publisher.ts) decides what to publish and records the
 * outcome; a sink only moves rows. Garbage collection removes a partition
 * whose window expired (`retention.partitions`) from every sink before it
 * expires it in the lake.
 */
import type { Row } from '../define/index.ts';
import type { Column } from '../model/index.ts';
import type { SinkDialect } from './sink-columns.ts';

/** One partition of a dataset, whatever its version. */
export interface PartitionRef {
  readonly dataset: string;
  readonly idx: number;
  /** The partition key, e.g. `2026-11-23T00:00Z/P1D` or `all`. */
  readonly key: string;
  /** Hive-style folder of the partition (`date=2026-11-23`, or `all`). */
  readonly path: string;
}

/** One version of one partition, as a sink reads it. */
export interface PartitionPayload extends PartitionRef {
  readonly versionId: string;
  readonly rowCount: number;
  /** The version's columns and DuckDB types. */
  readonly columns: readonly Column[];
  /** The rows in batches of about `size`, each column read as `sinkColumn(…, dialect)` says. */
  rows(dialect: SinkDialect, size?: number): AsyncIterable<Row[]>;
  /** Writes the rows to a local file with DuckDB. */
  copyTo(file: string, format: 'csv' | 'parquet'): Promise<void>;
}

export interface Sink {
  /**
   * Makes the target hold exactly this version's rows for the partition —
   * atomically where the target can (a table: delete and insert in one
   * transaction) — or fails with an error saying why. Publishing the same
   * version again must leave the same result.
   */
  publish(payload: PartitionPayload): Promise<void>;
  /**
   * Makes the target hold nothing of the partition any more (its window
   * expired), atomically where the target can. Idempotent: removing a
   * partition, or a table or file, that is not there succeeds. Fails with an
   * error saying why when the target cannot be reached; the collection then
   * leaves the partition in the lake and tries again next time.
   *
   * @example
   * await sink.remove({ dataset: 'daily_sales', idx: 20_415, key: '2025-11-23T00:00Z/P1D', path: 'date=2025-11-23' });
   */
  remove(partition: PartitionRef): Promise<void>;
  /** Where it publishes, for people (no passwords or secrets). */
  readonly target: string;
  close(): Promise<void>;
}
