/**
 * Ending a build: the task, the version, the run and its logs in one transaction.
 */
import type { NewCheckResult } from './checks.ts';
import type { LogLine, RunStatus } from './run-log.ts';
import type { NewVersion } from './versions.ts';

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

export interface BuildCompletion {
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
