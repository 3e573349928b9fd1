/** `GET /api/backlog`: what is left to build, what builds now, and when the backlog should clear. */
import type { Cause, Run } from './run-answers.ts';

/** A dataset's backlog, or the project's (`total`). */
export interface BacklogFigures {
  /**
   * Partitions the orchestrator will build: stale (missing or out of date) and not failed, plus those
   * a retry or a backfill queued. Failed partitions are counted apart: they wait for a change or a retry.
   */
  readonly toBuild: number;
  /** Partitions that are not fresh, failed ones included. */
  readonly stale: number;
  /** Stale partitions whose inputs are not ready yet (built or fresh): they wait for their inputs to build. */
  readonly waiting: number;
  /** Tasks queued for a worker. */
  readonly queued: number;
  /** Tasks a worker holds: building now. */
  readonly running: number;
  readonly failed: number;
  /** Builds that finished (succeeded or failed) within the throughput window. */
  readonly recentBuilds: number;
  /** Builds a minute over that window. */
  readonly perMinute: number;
  /** toBuild at that rate: 0 when nothing is left, null when nothing was built in the window to measure by. */
  readonly clearsInMs: number | null;
}

export interface DatasetBacklog extends BacklogFigures {
  readonly name: string;
}

/** A task waiting for a worker. */
export interface QueuedTask {
  readonly id: string;
  readonly dataset: string;
  readonly key: string;
  readonly cause: Cause;
  readonly reason: string;
  readonly attempts: number;
  /** Not leased before this time (a retry's backoff), or null. */
  readonly notBefore: string | null;
}

/** `GET /api/backlog`. */
export interface Backlog {
  readonly at: string;
  /** How far back throughput is measured (the last 10 minutes, or less when fewer builds were read). */
  readonly windowMs: number;
  readonly total: BacklogFigures;
  readonly datasets: readonly DatasetBacklog[];
  /** What builds now: the running runs, oldest first. */
  readonly running: readonly Run[];
  /** What builds next: the first queued tasks, in the order workers lease them. */
  readonly next: readonly QueuedTask[];
}
