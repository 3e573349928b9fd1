/**
 * Retention and garbage collection: superseded versions and whole partitions let go, and the GC log.
 */
import type { VersionFile } from '../../model/index.ts';

/** What `StateStore.expiredVersions` looks for in one dataset: superseded versions beyond its retention. */
export interface ExpiryRule {
  readonly dataset: string;
  /** Superseded versions kept per partition, newest first; null for no count limit. */
  readonly keep: number | null;
  /** Only versions superseded at or before this time (ms); null for no age limit. */
  readonly supersededBefore: number | null;
  /** Never a version superseded after this time (the grace period: a running build may read it). */
  readonly graceBefore: number;
  /** Most versions returned (default: all). */
  readonly limit?: number;
}

/**
 * A superseded version that retention lets go. `newer` counts the partition's
 * versions of the same state that are newer than it, the current version (or
 * the latest quarantined one) among them.
 */
export interface ExpiredVersion {
  readonly id: string;
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  readonly state: 'committed' | 'quarantined';
  readonly prefix: string;
  readonly files: readonly VersionFile[];
  readonly bytes: number;
  /** When a newer version replaced it: the creation time of the next committed version (for a quarantined one, of the next attempt). */
  readonly supersededAt: number;
  readonly newer: number;
}

/** A version `deleteVersions` removed, with the lake files no remaining version lists (its manifest not included). */
export interface DeletedVersion {
  readonly id: string;
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  readonly prefix: string;
  readonly files: readonly string[];
  readonly bytes: number;
}

/** One row of the garbage collector's log. */
export interface GcLogEntry {
  /** The collection that deleted it (one `pond gc`, or one periodic run of `pond up`). */
  readonly gcId: string;
  /** Order within the collection. */
  readonly n: number;
  readonly at: number;
  /** `version`: a superseded version and its files; `partition`: an expired partition, every version and file of it; `orphans`: files no version referenced, summed per dataset. */
  readonly kind: 'version' | 'partition' | 'orphans';
  readonly dataset: string;
  readonly idx: number | null;
  readonly key: string | null;
  readonly versionId: string | null;
  readonly reason: string;
  readonly files: number;
  readonly bytes: number;
}

/** Partitions for `StateStore.expirePartitions` to let go: those of `dataset` before window `beforeIdx`. */
export interface ExpirePartitionsRequest {
  readonly dataset: string;
  /** Partitions with a smaller window number expire. */
  readonly beforeIdx: number;
  /** Why, as the GC log records it. */
  readonly reason: string;
  readonly gcId: string;
  /** Number of the first GC log row this request writes within its collection. */
  readonly firstN: number;
  readonly at: number;
  /** The most partitions to expire in this call (the oldest first). */
  readonly limit?: number;
  /** Only say what would expire: nothing is deleted or recorded. */
  readonly dryRun?: boolean;
}

/** A partition that expired: how many versions it had, and the files they listed (lake keys) and their folders. */
export interface ExpiredPartition {
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  readonly versions: number;
  readonly files: readonly string[];
  /** Version folders (each holds a manifest). */
  readonly prefixes: readonly string[];
  readonly bytes: number;
}

/** Versions for `StateStore.deleteVersions` to delete, each with the reason the GC log records. */
export interface DeleteVersionsRequest {
  readonly dataset: string;
  readonly versions: readonly { readonly id: string; readonly reason: string }[];
  readonly gcId: string;
  /** Number of the first GC log row this request writes within its collection. */
  readonly firstN: number;
  readonly at: number;
  /** Only compute what would be deleted (the same rules, the same files): nothing is deleted or recorded. */
  readonly dryRun?: boolean;
}

export interface GcStore {
  /**
   * Superseded versions of one dataset beyond its retention, found in the
   * database (one pass over the dataset's versions, nothing loaded that stays):
   * never a current version, never a partition's latest quarantined version,
   * never one a sink state names, never one superseded after `graceBefore`.
   * With neither `keep` nor `supersededBefore`, none. By idx, oldest first.
   */
  expiredVersions(rule: ExpiryRule): Promise<ExpiredVersion[]>;
  /**
   * In ONE transaction: deletes these versions of one dataset (those that
   * are still neither current nor named by a sink state; others are skipped)
   * with their check results, and records each in the GC log with its reason,
   * numbered from `firstN`. Returns the versions deleted, each with the files
   * that no remaining version of its partition lists (a raw version lists
   * files of earlier versions, so these may be only its manifest): the caller deletes
   * those files after this returns, so that a crash in between leaves only
   * unreferenced files, never a version whose files are gone.
   */
  deleteVersions(request: DeleteVersionsRequest): Promise<DeletedVersion[]>;
  /**
   * Expires whole partitions in one transaction: deletes every version of
   * each (current and quarantined ones too), their check results and sink
   * state, leaves the partition row as an `expired` tombstone without a
   * version, and records each in the GC log. Returns what expired, with the
   * files for the caller to delete afterwards (a crash in between leaves
   * only unreferenced files).
   */
  expirePartitions(request: ExpirePartitionsRequest): Promise<ExpiredPartition[]>;
  /** Adds rows to the GC log (the orphan sweep's summaries). */
  appendGcLog(entries: readonly GcLogEntry[]): Promise<void>;
  /** The GC log, newest collection first, in order within it (default limit 1000 rows). */
  gcLog(filter?: { readonly gcId?: string; readonly dataset?: string; readonly limit?: number }): Promise<GcLogEntry[]>;
}
