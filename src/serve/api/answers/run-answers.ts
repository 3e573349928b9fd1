/** `GET /api/runs`, `/api/runs/:id`, and the answers to retry and cancel. */

/** Why a partition was (re)built. */
export type Cause = 'new-data' | 'missing' | 'input-changed' | 'code-changed' | 'failed-earlier' | 'forced' | 'retry' | 'backfill' | 'manual';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One build of one partition. */
export interface Run {
  readonly id: string;
  /** The task it ran for, or null. */
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
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly ms: number | null;
}

/** `GET /api/runs`: newest first. */
export interface RunList {
  readonly runs: readonly Run[];
}

export interface LogLine {
  readonly at: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** `GET /api/runs/:id`. */
export interface RunDetail {
  readonly run: Run;
  readonly logs: readonly LogLine[];
}

/** `POST /api/runs/:id/retry` (202): the task queued. */
export interface RetryAnswer {
  readonly task: { readonly id: string; readonly dataset: string; readonly key: string; readonly cause: Cause; readonly reason: string };
}

/** `POST /api/runs/:id/cancel` (202). */
export interface CancelAnswer {
  readonly cancelled: true;
}
