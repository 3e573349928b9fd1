/** `GET /api/checks`, and the recent results in `GET /api/datasets/:name`. */

/** The result of one check on one version, without its sample of failing rows. */
export interface CheckSummary {
  readonly dataset: string;
  readonly idx: number;
  readonly key: string;
  readonly versionId: string;
  readonly check: string;
  readonly kind: string;
  readonly severity: 'error' | 'warn';
  /** `error`: the check could not run (bad SQL, missing column); it counts as a failure. */
  readonly status: 'pass' | 'fail' | 'error';
  readonly observed: string | null;
  readonly threshold: string | null;
  readonly failingRows: number;
  /** The key columns of the sample's rows. */
  readonly keyColumns: readonly string[];
  readonly message: string | null;
  readonly runId: string | null;
  readonly checkedAt: string;
  /** What became of the version: committed (maybe since replaced), quarantined, or unknown when its commit never happened. */
  readonly versionState: 'committed' | 'quarantined' | 'unknown';
  /** The version is its partition's current version. */
  readonly current: boolean;
}

/** One entry of `GET /api/checks`: a result with some failing rows (JSON values), their key columns first. */
export interface CheckResult extends CheckSummary {
  readonly sample: readonly Record<string, unknown>[];
}

/** `GET /api/checks`. */
export interface CheckList {
  readonly checks: readonly CheckResult[];
}
