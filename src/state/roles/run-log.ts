/**
 * The run log: every build attempt and its log lines, kept for the history.
 */
import type { Cause } from './versions.ts';

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

export interface RunLog {
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
}
