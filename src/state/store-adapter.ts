import type { Kysely } from 'kysely';
import type { PondError } from '../errors/index.ts';
import type { Database } from './database.ts';
import type { SnapshotShelf } from './partition-cache/partition-columns-cache.ts';
import type { Snapshot } from './partition-cache/snapshot-codec.ts';
import type { CompleteBuildRequest, CurrentVersion, LandingCommit, Task } from './roles/index.ts';
import type { StateStore } from './state-store.ts';

/**
 * The statements the orchestrator issues for every partition it builds, run
 * without Kysely where building and compiling each query's AST costs more
 * than running it (SQLite, in process). Each method has exactly the semantics
 * of the `StateStore` method of the same name, including its locking and
 * transaction; errors are mapped by the store as usual.
 */
export interface HotPath {
  leaseTasks(request: Parameters<StateStore['leaseTasks']>[0]): Promise<Task[]>;
  startRun(run: Parameters<StateStore['startRun']>[0]): Promise<void>;
  currentVersions(dataset: string, from: number, to: number): Promise<CurrentVersion[]>;
  /**
   * `knownRefs` are the code fingerprint refs the store has cached; the
   * returned `refs` are those it may cache now that the transaction committed.
   */
  /** As `commitLanding`, with the same semantics; `knownRefs` and the returned `refs` as for `completeBuild`. */
  commitLanding(commit: LandingCommit, knownRefs: ReadonlyMap<string, number>): Promise<{ seqs: number[]; refs: Map<string, number> }>;
  landedMessages(stream: string, messageIds: readonly string[]): Promise<Set<string>>;
  completeBuild(
    request: CompleteBuildRequest,
    knownRefs: ReadonlyMap<string, number>,
  ): Promise<{ held: boolean; seq: number | null; refs: Map<string, number> }>;
}

/**
 * What differs between the state databases, and nothing else: how a write
 * transaction takes its lock, how leasers and migrators are kept apart, how
 * many bound parameters a statement may carry, which errors mean "the database
 * is not reachable", and fast paths a driver offers. The queries themselves
 * live once, in `KyselyStateStore`.
 */
export interface StoreAdapter {
  readonly dialect: 'sqlite' | 'postgres';
  /** Names the database in messages (a file path, or a URL without its password). */
  readonly description: string;
  /** Bound parameters one statement may carry; multi-row inserts are chunked below it. */
  readonly maxParams: number;
  /** Whether lease candidates are locked with `FOR UPDATE SKIP LOCKED`. */
  readonly skipLocked: boolean;
  /**
   * Runs `fn` in a transaction that holds the write lock from its first
   * statement, so a read followed by a write cannot be overtaken by another
   * process (SQLite: `BEGIN IMMEDIATE`). `fn` must use only the handle it is given.
   */
  writeTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs a single-statement write (autocommit) so that it cannot wait on a
   * lock held by another connection of this process (SQLite); a pass-through
   * where the database queues writers itself (PostgreSQL).
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Keeps concurrent migrators apart inside a migration transaction. */
  lockMigrations(trx: Kysely<Database>): Promise<void>;
  /** Keeps concurrent leasers of these capped datasets apart so per-dataset caps hold. */
  lockLeaseCaps(trx: Kysely<Database>, datasets: readonly string[]): Promise<void>;
  /**
   * A faster read of all partitions of a dataset than the generic query, when
   * the driver has one, with the highest change_seq it covers (same snapshot).
   */
  partitionSnapshot?(dataset: string): Promise<Snapshot>;
  /** Precompiled per-partition statements, when the driver runs them faster than Kysely (SQLite). */
  readonly hotPath?: HotPath;
  /** Where partition-columns snapshots outlive the process, if anywhere. */
  readonly snapshotShelf?: SnapshotShelf;
  /** See `StateStore.scrubDeleted`. */
  scrub(db: Kysely<Database>): Promise<void>;
  /** The error as STORAGE_UNAVAILABLE when it means the database cannot be used now (I/O, locks, connection). */
  unavailable(error: unknown, doing: string): PondError | undefined;
}
