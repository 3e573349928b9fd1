/** `GET /api/run-groups`: runs grouped by what caused them, a page at a time. */
import type { Run } from './run-answers.ts';

/**
 * The runs one cause made: a `build` (one process building what it planned, until it went idle
 * for a while: a `pond build`, or a burst of `pond up` building new data), a `backfill` (one
 * request to build a range), or a `retry` (one retried run, each attempt of it).
 */
export interface RunGroup {
  /** Stable while its runs are: `build:<worker>:<first start>`, `backfill:<id>`, `retry:<task>`. */
  readonly id: string;
  readonly kind: 'build' | 'backfill' | 'retry';
  /** What caused it, in words. */
  readonly title: string;
  /** The process that built it (host:pid:instance), for a build; null otherwise. */
  readonly worker: string | null;
  readonly startedAt: string;
  /** When its last run finished; null while one runs. */
  readonly finishedAt: string | null;
  readonly runCount: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Runs by cause (`new-data`, `code-changed` …). */
  readonly causes: Readonly<Record<string, number>>;
  /** The datasets it built, in the order of their first run. */
  readonly datasets: readonly string[];
  /** Its newest runs (up to the `runs` asked for): runCount says how many it has. */
  readonly runs: readonly Run[];
}

/** `GET /api/run-groups`: newest first. */
export interface RunGroupList {
  readonly groups: readonly RunGroup[];
  /** 1 for the newest groups. */
  readonly page: number;
  readonly pageSize: number;
  /** Whether an older page has groups. */
  readonly hasMore: boolean;
  /** How many of the newest runs (matching the filters) were grouped. */
  readonly runsRead: number;
  /** True when older runs were left out: narrow by dataset, partition, status or cause to reach them. */
  readonly runsTruncated: boolean;
}
