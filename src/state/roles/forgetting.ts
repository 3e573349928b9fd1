/**
 * Forgetting: the audit log of forget requests, the partitions they wait for, condemned versions, verifications.
 */
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

export interface ForgetStore {
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
}
