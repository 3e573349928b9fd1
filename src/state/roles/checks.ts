/**
 * Check results: one per check and version, kept for good.
 */
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

export interface CheckStore {
  recordCheckResults(results: readonly NewCheckResult[]): Promise<void>;
  /** Newest first (default limit 100). */
  checkResults(filter?: CheckFilter): Promise<CheckResult[]>;
}
