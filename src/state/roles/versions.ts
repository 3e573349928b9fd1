/**
 * Versions and partitions: what the lake holds, which version of each partition is current, and the planner's bulk reads.
 */
import type { Column, InputVersion, VersionFile } from '../../model/index.ts';

export type DatasetKind = 'stream' | 'dataset' | 'dead-letter';

export type Cause = 'new-data' | 'missing' | 'input-changed' | 'code-changed' | 'failed-earlier' | 'forced' | 'retry' | 'backfill' | 'manual';

export interface NewVersion {
  readonly id: string;
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  /** Lake key prefix of the version folder (holds `_manifest.json`). */
  readonly prefix: string;
  readonly files: readonly VersionFile[];
  readonly rows: number;
  readonly bytes: number;
  readonly schema: readonly Column[];
  readonly codeFingerprint: string;
  /** Highest `currentSeq` among the input partitions read; 0 for raw data. */
  readonly inputSeq: number;
  readonly inputs: readonly InputVersion[];
  readonly runId: string | null;
  readonly cause: Cause;
  readonly createdAt: number;
  readonly buildMs: number;
}

export interface Version extends NewVersion {
  /** Global sequence number given at commit. */
  readonly seq: number;
  readonly state: 'committed' | 'quarantined';
}

/** `expired`: its versions were deleted by a partition retention; the row stays so that caches see the change. */
export type PartitionStatus = 'ok' | 'failed' | 'expired';

export interface PartitionState {
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  /** Current version, or null when the partition never built successfully. */
  readonly versionId: string | null;
  /** Sequence number at which the current version became current (0 when none). */
  readonly currentSeq: number;
  /** `inputSeq` of the current version. */
  readonly inputSeq: number;
  readonly codeFingerprint: string | null;
  readonly status: PartitionStatus;
  /** The last failure, kept until a build succeeds. */
  readonly error: string | null;
  readonly updatedAt: number;
}

/**
 * All partitions of one dataset as parallel arrays sorted by idx: what the
 * planner needs, read in bulk (a million rows must load in well under a second).
 */
export interface PartitionColumns {
  readonly idx: Float64Array;
  readonly currentSeq: Float64Array;
  readonly inputSeq: Float64Array;
  /** 1 when the partition's last build failed, else 0. */
  readonly failed: Uint8Array;
  /** 1 when the partition has a current version. */
  readonly built: Uint8Array;
  /** Index into `codeFingerprints` for each row (-1 when none). */
  readonly codeRef: Int32Array;
  readonly codeFingerprints: readonly string[];
  /** Highest currentSeq in the dataset (0 when empty). */
  readonly maxSeq: number;
}

/** The current version of one partition, with what a reader needs to read it. */
export interface CurrentVersion {
  readonly idx: number;
  readonly key: string;
  readonly versionId: string;
  readonly currentSeq: number;
  readonly files: readonly VersionFile[];
  readonly schema: readonly Column[];
  readonly rows: number;
}

/** A stretch of consecutive partitions in one status, for summaries at any scale. */
export interface StatusRun {
  readonly status: PartitionStatus;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** One distinct schema a dataset's committed versions had, for its schema history. */
export interface SchemaSpan {
  readonly schema: readonly Column[];
  /** The first version with it (lowest seq). */
  readonly firstVersion: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly versions: number;
}

export interface VersionStore {
  /**
   * In one transaction: takes the next global sequence number, inserts each
   * version as committed, and makes it the partition's current version
   * (currentSeq = that seq, status ok, error cleared). Returns the seqs in order.
   */
  commitVersions(versions: readonly NewVersion[]): Promise<number[]>;
  /** Records a version whose checks failed: kept and inspectable, never current. */
  quarantineVersion(version: NewVersion): Promise<void>;
  /**
   * Marks a partition failed with the reason; its current version (if any)
   * stays current. The partition's inputSeq becomes the seq of the failure, so
   * that an input committed after it (a fix) makes the partition stale again.
   */
  markFailed(dataset: string, idx: number, key: string, error: string): Promise<void>;
  getPartition(dataset: string, idx: number): Promise<PartitionState | undefined>;
  /** Partitions with idx in [from, to), ascending; all when the bounds are left out. */
  listPartitions(dataset: string, from?: number, to?: number, limit?: number): Promise<PartitionState[]>;
  partitionColumns(dataset: string): Promise<PartitionColumns>;
  /** Status runs (consecutive idx with the same status) of one dataset, computed in the database. */
  statusRuns(dataset: string): Promise<StatusRun[]>;
  /** Current versions of the partitions with idx in [from, to), ascending. */
  currentVersions(dataset: string, from: number, to: number): Promise<CurrentVersion[]>;
  getVersion(id: string): Promise<Version | undefined>;
  /** Versions of a dataset (or one partition), newest first. */
  listVersions(dataset: string, options?: { idx?: number; limit?: number }): Promise<Version[]>;
  /** The distinct schemas of a dataset's committed versions, oldest first (grouped in the database). */
  schemaHistory(dataset: string): Promise<SchemaSpan[]>;
  /** Every version prefix the state knows (committed or quarantined): what GC must keep. */
  versionPrefixes(): Promise<Set<string>>;
  /** Highest global sequence number given so far. */
  currentSeq(): Promise<number>;
}
