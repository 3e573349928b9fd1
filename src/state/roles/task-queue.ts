/**
 * The task queue: partitions to build, leased to one worker at a time, with attempts and backoff.
 */
import type { Cause } from './versions.ts';

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
  /**
   * The dataset's code fingerprint the task was planned for: only a worker
   * with that code leases it (see `leaseTasks`). Null or left out: any worker may.
   */
  readonly codeFingerprint?: string | null;
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

export interface TaskQueue {
  /**
   * Queues tasks. A partition that already has a queued or leased task is not
   * queued twice: the existing task is kept (its reason is not replaced) —
   * unless it is queued for other code than the new one: then it is planned
   * again in place, for the new code (its cause, reason, priority and
   * attempts those of the new task, its backoff gone). A leased task is never
   * touched. Returns how many were added or planned again.
   */
  enqueueTasks(tasks: readonly NewTask[]): Promise<number>;
  /**
   * Leases up to `limit` queued tasks whose notBefore has passed (or whose lease
   * expired), lowest priority first, at most `perDataset[d]` leased at once per
   * dataset `d` (counting leases already held). Increments attempts. With
   * `codes` (dataset → the code fingerprint the worker has loaded), only tasks
   * planned for that code, or for no code in particular, are leased.
   */
  leaseTasks(request: {
    owner: string;
    limit: number;
    leaseMs: number;
    now: number;
    perDataset?: Readonly<Record<string, number>>;
    datasets?: readonly string[];
    codes?: Readonly<Record<string, string>>;
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
}
