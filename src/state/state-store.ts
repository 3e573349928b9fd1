/**
 * The state store: what the lake holds (versions and which one is current),
 * the task queue with leases, runs and their logs, stream activity. Two
 * implementations pass one test suite: SQLite (embedded) and PostgreSQL.
 *
 * Window numbers (`idx`) are the partition's window index (see partition/grain.ts);
 * unpartitioned datasets use idx 0 and key `all`. Times are ms since the epoch.
 */

export type DatasetKind = 'stream' | 'dataset' | 'dead-letter';

/** One file of a version, as listed in its manifest. Paths are lake object keys. */
export interface VersionFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /**
   * Fingerprint of the file's columns (names and types, in order). Files with
   * equal fingerprints are read by position; others are matched by name.
   * Absent on files written before it was recorded.
   */
  readonly columns?: string;
}

export interface Column {
  readonly name: string;
  /** DuckDB type name, e.g. `VARCHAR`, `BIGINT`, `TIMESTAMP WITH TIME ZONE`. */
  readonly type: string;
}

/** Which input version a version was built from. */
export interface InputVersion {
  readonly dataset: string;
  readonly key: string;
  readonly version: string;
}

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

/** Every window number, as `[from, to)` for reads such as `currentVersions` of a whole dataset. */
export const ALL_WINDOWS = Object.freeze({ from: -Number.MAX_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER });

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

export type TaskState = 'queued' | 'leased' | 'done' | 'failed' | 'cancelled';

export interface NewTask {
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  readonly cause: Cause;
  /** Human-readable why, e.g. `input events 2026-11-23T19:00Z/PT1H changed`. */
  readonly reason: string;
  /** Lower runs first. The planner gives dependency depth, so inputs build before outputs. */
  readonly priority: number;
  readonly maxAttempts: number;
}

export interface Task extends NewTask {
  readonly id: string;
  readonly state: TaskState;
  /** Attempts started so far. */
  readonly attempts: number;
  /** Not to be leased before this time (backoff). */
  readonly notBefore: number;
  readonly leaseOwner: string | null;
  readonly leaseExpires: number | null;
  readonly lastError: string | null;
  readonly createdAt: number;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Run {
  readonly id: string;
  readonly taskId: string | null;
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  readonly cause: Cause;
  readonly reason: string;
  readonly attempt: number;
  readonly status: RunStatus;
  readonly error: string | null;
  /** Whether the error said a retry can help. */
  readonly retryable: boolean | null;
  readonly versionId: string | null;
  readonly worker: string;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

export interface LogLine {
  readonly runId: string;
  readonly at: number;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface StreamActivity {
  readonly stream: string;
  /** Newest event time seen (ms), or null before the first event. */
  readonly maxEventTime: number | null;
  /** When the last event was received (ms), or null. */
  readonly lastReceivedAt: number | null;
  readonly events: number;
  readonly deadLetters: number;
}

/** A stretch of consecutive partitions in one status, for summaries at any scale. */
export interface StatusRun {
  readonly status: PartitionStatus;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export interface RunFilter {
  readonly dataset?: string;
  /** One partition's runs (with `dataset`). */
  readonly idx?: number;
  readonly status?: RunStatus;
  readonly cause?: Cause;
  /** Only these runs (e.g. the runs that made a page of versions). */
  readonly ids?: readonly string[];
  readonly limit?: number;
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

export type CheckStatus = 'pass' | 'fail' | 'error';

/** The result of one check on one version; kept for good, never overwritten. */
export interface NewCheckResult {
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  readonly versionId: string;
  /** The check's name, unique within its stream or dataset. */
  readonly check: string;
  readonly kind: string;
  readonly severity: 'error' | 'warn';
  /** `error`: the check could not run (bad SQL, missing column); it counts as a failure. */
  readonly status: CheckStatus;
  readonly observed: string | null;
  readonly threshold: string | null;
  /** Rows that fail it (0 for checks on the whole version, such as row count). */
  readonly failingRows: number;
  /** Some failing rows (JSON values), their key columns first. */
  readonly sample: readonly Readonly<Record<string, unknown>>[];
  readonly keyColumns: readonly string[];
  readonly message: string | null;
  readonly runId: string | null;
  readonly checkedAt: number;
}

export interface CheckResult extends NewCheckResult {
  /** What became of the version: committed (maybe since replaced), quarantined, or unknown when its commit never happened. */
  readonly versionState: 'committed' | 'quarantined' | 'unknown';
  /** Whether the version is its partition's current version. */
  readonly current: boolean;
}

export interface CheckFilter {
  readonly dataset?: string;
  readonly idx?: number;
  readonly versionId?: string;
  /** Only failures (status `fail` or `error`, either severity). */
  readonly failed?: boolean;
  readonly limit?: number;
}

/** Everything that ends one build, for `StateStore.completeBuild`. */
export interface CompleteBuildRequest {
  /** The built version, committed as `commitVersions` does (only while the lease is held). */
  readonly version?: NewVersion;
  /** A built version whose `error` checks failed: recorded as quarantined, never current (only while the lease is held). */
  readonly quarantine?: NewVersion;
  /** Check results of the version (only while the lease is held). */
  readonly checks?: readonly NewCheckResult[];
  readonly runId: string;
  readonly run: { readonly status: Exclude<RunStatus, 'running'>; readonly error?: string; readonly retryable?: boolean; readonly finishedAt: number };
  readonly taskId: string;
  readonly owner: string;
  readonly task: { state: 'done' } | { state: 'failed'; error: string } | { state: 'queued'; notBefore: number; error: string };
  readonly logs: readonly LogLine[];
  /** On a final failure: the partition to mark failed (only while the lease is held). */
  readonly markFailed?: { readonly dataset: string; readonly idx: number; readonly key: string; readonly error: string };
}

/** A consumer group's position in one buffer partition: the next offset it reads. */
export interface ConsumerOffset {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Everything one landing batch makes true at once, for `StateStore.commitLanding`. */
export interface LandingCommit {
  /**
   * New raw or dead-letter versions, each with the version it replaces (null
   * when the partition had none). If any partition's current version is no
   * longer that one, nothing is committed and the call fails with CONFLICT.
   */
  readonly versions: readonly { readonly version: NewVersion; readonly replaces: string | null }[];
  /** Consumer positions reached by the batch (none for `pond load`). */
  readonly offsets: readonly ConsumerOffset[];
  /** MessageIds landed, remembered for dedup; `stream` is the stream or dead-letter dataset. */
  readonly messages: readonly { readonly stream: string; readonly messageId: string; readonly receivedAt: number }[];
  readonly activity: readonly ({ readonly stream: string } & StreamActivityUpdate)[];
  /** Raw versions whose `error` checks failed: recorded as quarantined, and their partition marked failed with `error`. */
  readonly quarantined?: readonly { readonly version: NewVersion; readonly error: string }[];
  /** Check results of the batch's versions. */
  readonly checks?: readonly NewCheckResult[];
}

export interface StreamActivityUpdate {
  readonly maxEventTime: number | null;
  readonly receivedAt: number;
  readonly events: number;
  readonly deadLetters: number;
}

/** One version of a stream's JSON Schema in the registry. */
export interface SchemaVersion {
  readonly stream: string;
  /** 1, 2, … per stream, in the order they were registered. */
  readonly version: number;
  /** sha256 of the schema's canonical JSON: equal schemas have equal fingerprints, whatever their layout. */
  readonly fingerprint: string;
  /** The schema as canonical JSON (sorted keys, no whitespace). */
  readonly schema: string;
  /** The compatibility mode the schema was checked under when it was registered. */
  readonly compatibility: string;
  readonly registeredAt: number;
}

/** A schema to register with `StateStore.registerSchemaVersion`. */
export interface NewSchemaVersion extends Omit<SchemaVersion, 'version'> {
  /** The latest version the caller checked the schema against: 0 when the stream had none. */
  readonly after: number;
}

/** What one sink published of one partition, and its last failed attempt. */
export interface SinkState {
  readonly dataset: string;
  readonly sink: string;
  readonly idx: number;
  readonly key: string;
  /** The version last published, or null when none was. */
  readonly versionId: string | null;
  readonly publishedAt: number | null;
  /** The version of the last failed attempt (null after a success). */
  readonly attemptedVersion: string | null;
  /** The last failure, cleared by a success. */
  readonly error: string | null;
  /** Failed attempts in a row. */
  readonly attempts: number;
  /** When a failed publish may be tried again. */
  readonly nextAttemptAt: number | null;
  readonly updatedAt: number;
}

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

/** A data subject's key as landing creates it: 32 random bytes wrapped under the current key epoch's key (see src/privacy/keys/). */
export interface NewSubjectKey {
  readonly pseudonym: string;
  readonly wrappedKey: string;
  readonly createdAt: number;
}

/** A data subject's stored key; `wrappedKey` is null once the subject was forgotten. */
export interface SubjectKey {
  readonly pseudonym: string;
  readonly wrappedKey: string | null;
  readonly createdAt: number;
  readonly forgottenAt: number | null;
  /** The key epoch `wrappedKey` is wrapped under; null: under the master key, from before epochs. */
  readonly epoch: number | null;
}

/** What a key ring checks now and then: the current key epoch, and a value that changes whenever a subject is forgotten. */
export interface KeyRingStamp {
  readonly epoch: number;
  readonly forgotten: string;
}

/** Where a request to forget a subject stands: its key deleted (`recorded`), its raw partitions marked changed and derived ones being rebuilt (`rebuilding`), every rebuild done (`done`). */
export type ForgetStatus = 'recorded' | 'rebuilding' | 'done';

/** A request to forget one data subject, as the audit log keeps it: the subject only by pseudonym. */
export interface NewForgetRequest {
  readonly id: string;
  readonly pseudonym: string;
  readonly requestedAt: number;
  /** Who asked: an operator's name, or the API token's fingerprint. */
  readonly requestedBy: string;
  readonly reason: string;
}

export interface ForgetRequest extends NewForgetRequest {
  /** Whether the subject had a key (data landed for it) when it was forgotten. */
  readonly hadKey: boolean;
  readonly status: ForgetStatus;
  /** The sequence number at which its raw partitions were marked changed: a derived partition built from inputs at least this new no longer holds the subject. */
  readonly seq: number | null;
  readonly rawPartitions: number | null;
  readonly completedAt: number | null;
  /** The last scan for what of the subject survives, or null before the first. */
  readonly verification: ForgetVerification | null;
}

/**
 * A scan for what of a forgotten subject survives, as recorded with its
 * request (lifecycle/forget/verify-subject.ts makes it). When a request
 * completes only the pseudonym can be looked for (the audit log never knew
 * the clear identifier); `pond forget --verify SUBJECT` looks for both.
 */
export interface ForgetVerification {
  readonly at: number;
  readonly lookedFor: 'pseudonym' | 'clear identifier and pseudonym';
  /** Every finding, or the first 200 of them (`total` counts all). */
  readonly findings: readonly ForgetFinding[];
  readonly total: number;
  /** What was read: current versions and their files in the lake, and the state's rows of text. */
  readonly scanned: { readonly versions: number; readonly files: number };
  /** Why the scan could not finish (its findings are then partial). */
  readonly error: string | null;
}

/** One place where something of a subject survives: never the value itself. */
export interface ForgetFinding {
  /** `dataset` (a derived one), `stream` (raw), `dead-letter`, or `state` (a table of the state database). */
  readonly area: 'dataset' | 'stream' | 'dead-letter' | 'state';
  /** The dataset, stream or dead-letter dataset; for `state`, the table. */
  readonly name: string;
  /** For `state`: the dataset or stream the row is about, when the table says. */
  readonly dataset: string | null;
  /** The partition key, when known. */
  readonly key: string | null;
  readonly versionId: string | null;
  /** The column (for `state`, the table's column). */
  readonly column: string;
  readonly value: 'clear identifier' | 'pseudonym';
  readonly rows: number;
}

/** A row of the state database's free text (row samples, logs, errors, message ids) that may name a subject. */
export interface StateText {
  readonly table: string;
  readonly column: string;
  /** The dataset or stream the row is about, its partition key and version, where the table says. */
  readonly dataset: string | null;
  readonly key: string | null;
  readonly versionId: string | null;
  readonly text: string;
}

/** A version that held a forgotten subject, waiting to be deleted (a sink still named it). */
export interface CondemnedVersion {
  readonly dataset: string;
  readonly versionId: string;
  readonly requestId: string;
  readonly at: number;
}

/** A derived partition a forget request waits to see rebuilt, with the version it held when asked. */
export interface ForgetPartition {
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  readonly versionId: string | null;
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

export interface StateStore {
  /** `sqlite` or `postgres`. */
  readonly dialect: 'sqlite' | 'postgres';

  /** Creates or upgrades the schema by numbered migrations; safe to call every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // Versions and partitions ----------------------------------------------------------

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

  // Retention and garbage collection --------------------------------------------------

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

  // Checks ----------------------------------------------------------------------------

  recordCheckResults(results: readonly NewCheckResult[]): Promise<void>;
  /** Newest first (default limit 100). */
  checkResults(filter?: CheckFilter): Promise<CheckResult[]>;

  // Streams ---------------------------------------------------------------------------

  /** Adds to a stream's counters and moves its max event time and last receipt forward. */
  recordStreamActivity(stream: string, update: StreamActivityUpdate): Promise<void>;
  getStreamActivity(stream: string): Promise<StreamActivity | undefined>;

  // Schema registry -------------------------------------------------------------------

  /** Every registered version of a stream's schema, oldest first. */
  schemaVersions(stream: string): Promise<SchemaVersion[]>;
  /** The latest version of each stream that has one, in one read (what every start compares against). */
  latestSchemaVersions(): Promise<Map<string, SchemaVersion>>;
  /**
   * Registers a schema as version `after + 1` of its stream, atomically.
   * Idempotent: when the stream's latest version has the same fingerprint,
   * nothing is written and that version is returned with `created: false`.
   * When the latest version is no longer `after` (another process registered
   * one since the caller read them), nothing is written and the call fails
   * with CONFLICT: read the versions again, check again, retry.
   */
  registerSchemaVersion(version: NewSchemaVersion): Promise<{ version: SchemaVersion; created: boolean }>;

  // Sinks -----------------------------------------------------------------------------

  /** The sink state of a dataset's partitions (of one sink or all; one partition or all), by sink then idx. */
  sinkStates(dataset: string, filter?: { sink?: string; idx?: number }): Promise<SinkState[]>;
  /** Writes sink states, replacing those of the same dataset, sink and idx. */
  recordSinkStates(states: readonly SinkState[]): Promise<void>;

  // Data subjects' keys ---------------------------------------------------------------

  /**
   * Gets or creates the keys of many subjects in ONE transaction: for each
   * candidate whose pseudonym has no row, stores the candidate; then returns
   * the stored row of every candidate's pseudonym. Race-safe: when two
   * landers create a key for the same new subject, one insert wins and both
   * get the winner's key. A forgotten subject keeps its tombstone (no key).
   * Candidates are wrapped under the key of `epoch`, and stored only while
   * it is the current key epoch; the answer says which epoch is current, so
   * that a caller that was overtaken by a rotation wraps again and retries.
   */
  subjectKeys(candidates: readonly NewSubjectKey[], epoch: number): Promise<{ keys: Map<string, SubjectKey>; epoch: number }>;
  /** The stored rows of these pseudonyms (unknown ones are left out); creates nothing. */
  findSubjectKeys(pseudonyms: readonly string[]): Promise<Map<string, SubjectKey>>;
  /** Deletes the keys of these subjects (tombstones with `forgottenAt`); returns the pseudonyms that had a key. */
  forgetSubjectKeys(pseudonyms: readonly string[], at: number): Promise<string[]>;
  /** Pseudonyms of every forgotten subject, sorted. */
  forgottenSubjects(): Promise<string[]>;
  /** A value that changes whenever a subject is forgotten, '' while nobody is (to cache `forgottenSubjects` by). */
  forgottenStamp(): Promise<string>;
  /** The current key epoch and the forgotten stamp, in one read. */
  keyRingStamp(): Promise<KeyRingStamp>;
  /**
   * Moves the key epoch from `from` to `to`, re-wrapping every live subject
   * key with `rewrap` in the same transaction (see privacy/keys/key-epochs.ts);
   * false, changing nothing, when the epoch is not `from` any more.
   */
  rotateKeyEpoch(from: number, to: number, rewrap: (key: SubjectKey) => string): Promise<boolean>;
  /**
   * Makes deleted rows unreadable in the database's own files, as far as the
   * database allows: SQLite deletes securely (zeros) always, and this
   * checkpoints the WAL and truncates it; PostgreSQL rewrites the tables that
   * held keys and row samples (VACUUM FULL). Copies elsewhere (backups, WAL
   * archives) are what key epochs are for.
   */
  scrubDeleted(): Promise<void>;

  // Forgetting --------------------------------------------------------------------------

  /**
   * Records requests in the audit log and deletes their subjects' keys
   * (tombstones for subjects never seen too), in one transaction. A subject
   * that already has a request (whatever its status) is left out: a subject
   * is forgotten once. Returns the requests recorded.
   */
  recordForgetRequests(requests: readonly NewForgetRequest[]): Promise<ForgetRequest[]>;
  /**
   * In one transaction: gives the raw partitions that hold the requests'
   * subjects a fresh current sequence number (same version, same files), so
   * that every partition derived from them is stale and rebuilt with the
   * subjects left out; records the derived partitions to wait for; moves
   * the requests from `recorded` to `rebuilding`. Returns the sequence number.
   */
  startForgetRebuilds(
    requestIds: readonly string[],
    touched: readonly { readonly dataset: string; readonly idxs: readonly number[] }[],
    waitFor: readonly ForgetPartition[],
    at: number,
  ): Promise<number>;
  /** Requests, newest first, by id, subject or status. */
  forgetRequests(filter?: { ids?: readonly string[]; pseudonym?: string; status?: readonly ForgetStatus[]; limit?: number }): Promise<ForgetRequest[]>;
  forgetPartitions(requestId: string): Promise<ForgetPartition[]>;
  completeForgetRequest(id: string, at: number): Promise<void>;
  /**
   * Condemns every version of these partitions but the current one (they may
   * hold the request's subject): they must be deleted whatever the retention
   * (see condemned-versions.ts). Returns how many versions the request has condemned.
   */
  condemnVersions(requestId: string, partitions: readonly { readonly dataset: string; readonly idx: number }[], at: number): Promise<number>;
  /** Versions condemned and not yet deleted (of one request, or all), by dataset. */
  condemnedVersions(filter?: { requestId?: string }): Promise<CondemnedVersion[]>;
  /** Stores the last verification of a request (replacing the one before). */
  recordForgetVerification(id: string, verification: ForgetVerification): Promise<void>;
  /**
   * The rows of the state's free text — check results' failing-row samples,
   * run logs and errors, partitions', tasks' and sinks' errors, landed
   * message ids — that contain one of `needles` (ignoring ASCII case).
   */
  findStateText(needles: readonly string[]): Promise<StateText[]>;

  // Landing ---------------------------------------------------------------------------

  /**
   * In one transaction: checks that every replaced version is still current,
   * commits the versions as `commitVersions` does, stores the consumer
   * offsets, remembers the messageIds and adds the stream activity. Returns
   * the versions' seqs. Fails with CONFLICT (nothing written) when another
   * writer committed one of the partitions first.
   */
  commitLanding(commit: LandingCommit): Promise<number[]>;
  /** A consumer group's committed positions in every partition it consumed. */
  consumerOffsets(group: string): Promise<ConsumerOffset[]>;
  /** Those of `messageIds` already landed in `stream` (and not yet forgotten). */
  landedMessages(stream: string, messageIds: readonly string[]): Promise<Set<string>>;
  /** Forgets messageIds received before `before` (the end of the dedup window); returns how many. */
  forgetLandedMessages(before: number): Promise<number>;

  // Task queue ------------------------------------------------------------------------

  /**
   * Queues tasks. A partition that already has a queued or leased task is not
   * queued twice: the existing task is kept (its reason is not replaced).
   * Returns how many were added.
   */
  enqueueTasks(tasks: readonly NewTask[]): Promise<number>;
  /**
   * Leases up to `limit` queued tasks whose notBefore has passed (or whose lease
   * expired), lowest priority first, at most `perDataset[d]` leased at once per
   * dataset `d` (counting leases already held). Increments attempts.
   */
  leaseTasks(request: {
    owner: string;
    limit: number;
    leaseMs: number;
    now: number;
    perDataset?: Readonly<Record<string, number>>;
    datasets?: readonly string[];
  }): Promise<Task[]>;
  /** Extends the leases the owner holds; returns the ids it no longer holds. */
  renewLeases(owner: string, taskIds: readonly string[], leaseMs: number, now: number): Promise<string[]>;
  /** Ends a leased task: done, failed (no retry left or not retryable), or back to queued at notBefore. */
  finishTask(
    taskId: string,
    owner: string,
    outcome: { state: 'done' } | { state: 'failed'; error: string } | { state: 'queued'; notBefore: number; error: string },
  ): Promise<boolean>;
  /** Cancels queued and leased tasks (of some datasets, or all); returns how many. */
  cancelTasks(datasets?: readonly string[]): Promise<number>;
  /** Cancels one task if it is queued or leased; returns whether it was. Its worker stops within seconds. */
  cancelTask(taskId: string): Promise<boolean>;
  /** Whether a task was cancelled while leased, so its worker stops. */
  isCancelled(taskId: string): Promise<boolean>;
  /** The state of each of these tasks (unknown ids are left out): a cheap poll for cancellations. */
  taskStates(taskIds: readonly string[]): Promise<Map<string, TaskState>>;
  /** Lowest priority first; `idx` (with `dataset`) narrows to one partition. */
  listTasks(filter?: { states?: readonly TaskState[]; dataset?: string; idx?: number; limit?: number }): Promise<Task[]>;
  /** Counts of tasks by state. */
  taskCounts(): Promise<Record<TaskState, number>>;

  // Runs and logs ---------------------------------------------------------------------

  startRun(run: Omit<Run, 'status' | 'error' | 'retryable' | 'versionId' | 'finishedAt'>): Promise<void>;
  finishRun(
    id: string,
    result: { status: Exclude<RunStatus, 'running'>; error?: string; retryable?: boolean; versionId?: string; finishedAt: number },
  ): Promise<void>;
  appendLogs(lines: readonly LogLine[]): Promise<void>;
  getRun(id: string): Promise<Run | undefined>;
  /** Newest first. */
  listRuns(filter?: RunFilter): Promise<Run[]>;
  runLogs(runId: string): Promise<LogLine[]>;

  /**
   * Ends a build in ONE transaction: ends the task as `finishTask` does
   * (owner-checked), commits the version as `commitVersions` does, finishes
   * the run (with the version's id), appends the logs, and on a final failure
   * marks the partition failed.
   *
   * When `owner` no longer holds the task's lease (it expired and another
   * worker may be building the partition), nothing that changes the lake's
   * state is written: no task change, no version, no markFailed. The run and
   * its logs are still recorded, for the history; a run reported as succeeded
   * is recorded as failed (retryable, "lease lost"), since its version was not
   * committed. Returns whether the lease was held, and the version's seq
   * (null when no version was committed).
   */
  completeBuild(request: CompleteBuildRequest): Promise<{ held: boolean; seq: number | null }>;
}
