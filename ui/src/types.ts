/** The data API's answers, as the UI reads them (see `/api/openapi.json`). */

export type Health = 'ok' | 'stale' | 'failed' | 'warn' | 'empty';

export interface Column {
  readonly name: string;
  readonly type: string;
}

export interface Freshness {
  readonly latest: string | null;
  readonly latestEnd: string | null;
  readonly lagMs: number | null;
  readonly expectedLagMs: number;
  readonly onTime: boolean;
}

/** What every stream and dataset answer starts with. */
export interface NodeSummary {
  readonly name: string;
  readonly kind: 'dataset' | 'stream';
  readonly file: string;
  readonly description: string | null;
  readonly grain: string;
  readonly partitionKey: string;
}

export interface DatasetSummary extends NodeSummary {
  readonly partitions: { count: number; fresh: number; stale: number; failed: number; first: string | null; last: string | null; waitingFor: string | null };
  readonly inputs: readonly string[];
  readonly sinks: readonly { name: string; kind: string }[];
  readonly health: Health;
  readonly freshness: Freshness;
}

export interface Range {
  readonly from: string;
  readonly to: string;
  readonly partitions: number;
  readonly state: string;
}

export interface Version {
  readonly id: string;
  readonly partition: string;
  readonly state: 'committed' | 'quarantined';
  readonly rows: number;
  readonly bytes: number;
  readonly files: number;
  readonly cause: string;
  readonly reason?: string | null;
  readonly runId: string | null;
  readonly inputs: readonly { dataset: string; key: string; version: string }[];
  readonly codeFingerprint: string;
  readonly createdAt: string;
  readonly buildMs: number;
}

export interface CheckResult {
  readonly dataset: string;
  readonly key: string;
  readonly versionId: string;
  readonly check: string;
  readonly kind: string;
  readonly severity: 'error' | 'warn';
  readonly status: 'pass' | 'fail' | 'error';
  readonly observed: string | null;
  readonly threshold: string | null;
  readonly failingRows: number;
  readonly sample?: readonly Record<string, unknown>[];
  readonly keyColumns: readonly string[];
  readonly message: string | null;
  readonly runId: string | null;
  readonly checkedAt: string;
  readonly versionState: 'committed' | 'quarantined' | 'unknown';
  readonly current: boolean;
}

export interface DatasetDetail extends NodeSummary {
  readonly schema: readonly Column[];
  readonly partitions: { count: number; failed: number; first: string | null; last: string | null; ranges: readonly Range[]; rangesTruncated: boolean };
  readonly versions: readonly Version[];
  readonly checks: { declared: readonly { name: string; kind: string; severity: string; description: string | null }[]; recent: readonly CheckResult[] };
  readonly lineage: {
    inputs: readonly { alias: string; source: string; mapping: unknown }[];
    dependants: readonly string[];
    sinks: readonly { name: string; kind: string }[];
  };
}

export interface Bucket {
  readonly from: string;
  readonly to: string;
  readonly fromTime: string | null;
  readonly toTime: string | null;
  readonly partitions: number;
  readonly fresh: number;
  readonly stale: number;
  readonly missing: number;
  readonly failed: number;
}

export interface Timeline {
  readonly name: string;
  readonly grain: string;
  readonly count: number;
  readonly first: string | null;
  readonly last: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly fromTime: string | null;
  readonly toTime: string | null;
  readonly partitionsPerBucket: number;
  readonly buckets: readonly Bucket[];
}

export interface SchemaSpan {
  readonly columns: readonly Column[];
  readonly firstVersion: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly versions: number;
  readonly changes: { added: readonly Column[]; removed: readonly Column[]; retyped: readonly { name: string; from: string; to: string }[] };
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Run {
  readonly id: string;
  readonly taskId: string | null;
  readonly dataset: string;
  readonly key: string;
  readonly cause: string;
  readonly reason: string;
  readonly attempt: number;
  readonly status: RunStatus;
  readonly error: string | null;
  readonly retryable: boolean | null;
  readonly versionId: string | null;
  readonly worker: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly ms: number | null;
}

export interface LogLine {
  readonly at: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface Rates {
  readonly '1m': number | null;
  readonly '15m': number | null;
  readonly '1h': number | null;
}

export interface Stream {
  readonly name: string;
  readonly schemaFile: string;
  readonly grain: string;
  readonly latenessMs: number;
  readonly events: number;
  readonly deadLetters: number;
  readonly newestEventTime: string | null;
  readonly lastReceivedAt: string | null;
  readonly watermark: string | null;
  readonly rates: { eventsPerSecond: Rates; deadLettersPerSecond: Rates; since: string | null };
  readonly landing?: { lastLagMs: number | null; p50LagMs: number | null; p95LagMs: number | null; batches: number };
}

export interface Sink {
  readonly dataset: string;
  readonly sink: string;
  readonly kind: string;
  readonly partitions: number;
  readonly published: number;
  readonly behind: number;
  readonly failing: number;
  readonly lastPublishedAt: string | null;
  readonly lastError: { partition: string; version: string; error: string; attempts: number } | null;
  readonly nextAttemptAt: string | null;
}

export interface QueryAnswer {
  readonly columns: readonly Column[];
  readonly rows: readonly Record<string, unknown>[];
  readonly rowCount: number;
  readonly truncated: boolean;
  readonly ms: number;
}

export interface ColumnClass {
  readonly column: string;
  readonly class: 'identifier' | 'personal';
  /** `declared`, `from users.email`, `by name (unverified)`. */
  readonly source: string;
}

/** One entry of `GET /api/privacy` (as `pond privacy --json`). */
export interface NodePrivacy {
  readonly name: string;
  readonly kind: 'stream' | 'dataset';
  readonly file: string;
  readonly identifiers: readonly string[];
  readonly personal: readonly string[];
  readonly columns: readonly ColumnClass[];
  readonly unverified: boolean;
  readonly decrypts: readonly string[];
}

export interface PrivacyReport {
  readonly personalData: readonly NodePrivacy[];
  readonly noPersonalData: readonly string[];
}

export type ForgetStatus = 'recorded' | 'rebuilding' | 'done';

export interface ForgetRequest {
  readonly id: string;
  readonly pseudonym: string;
  readonly status: ForgetStatus;
  readonly requestedAt: string;
  readonly requestedBy: string;
  readonly reason: string;
  /** False when the subject had no key: never seen, or already forgotten. */
  readonly hadKey: boolean;
  readonly rawPartitions: number | null;
  readonly partitions: number;
  readonly rebuilt: number;
  readonly failed: number;
  /** Up to 20 partitions still waiting, as `dataset key`. */
  readonly waiting: readonly string[];
  readonly completedAt: string | null;
  /** In the answer to a forget: the subject was forgotten before, by this request; nothing new was recorded. */
  readonly alreadyForgotten?: boolean;
}
