/** `GET /api/datasets`, `/api/datasets/:name` and `/api/datasets/:name/partitions`: datasets and streams, their partitions, versions and lineage. */
import type { CheckSummary } from './check-answers.ts';
import type { PersonalData } from './privacy-answers.ts';
import type { Cause } from './run-answers.ts';
import type { Column } from './table.ts';

/** `failed`: a partition's last build failed; `warn`: a current version failed a `warn` check; `stale`: partitions missing or out of date. */
export type Health = 'ok' | 'stale' | 'failed' | 'warn' | 'empty';

/** How far the newest built partition's end is behind the wall clock, against what to expect. */
export interface Freshness {
  /** Key of the newest built partition, or null. */
  readonly latest: string | null;
  /** End of its window; for unpartitioned datasets, when its version became current. */
  readonly latestEnd: string | null;
  /** now − latestEnd. */
  readonly lagMs: number | null;
  /** One window, plus the lateness of the streams it reads (directly or not), plus five minutes. */
  readonly expectedLagMs: number;
  /**
   * Built up to the expected point (now − expectedLagMs) with nothing failed: no failed partition,
   * no stale partition whose window ended before that point, and the newest built within it.
   * An unpartitioned dataset: up to date and not failed.
   */
  readonly onTime: boolean;
  /** Why it is not on time (`3 partitions failed`, `279 partitions stale for longer than expected …`); null when it is. */
  readonly lateBecause: string | null;
}

/** What every stream and dataset answer starts with. */
export interface NodeSummary {
  readonly name: string;
  readonly kind: 'dataset' | 'stream';
  /** The project file that defines it. */
  readonly file: string;
  readonly description: string | null;
  /** `hour`, `day` …, or `none`. */
  readonly grain: string;
  /** The ISO form of its keys, or `all`. */
  readonly partitionKey: string;
}

/** A dataset's partitions by state, over the span its inputs allow. */
export interface PartitionCounts {
  readonly count: number;
  readonly fresh: number;
  readonly stale: number;
  readonly failed: number;
  /** First and last partition key of the span, or null when it is empty. */
  readonly first: string | null;
  readonly last: string | null;
  /** Why the span ends where it does (`watermark of events`), or null. */
  readonly waitingFor: string | null;
}

export interface SinkRef {
  readonly name: string;
  readonly kind: string;
}

/** One entry of `GET /api/datasets`. */
export interface DatasetSummary extends NodeSummary {
  readonly inputs: readonly string[];
  /** Each input with how an output partition maps to its partitions (the lineage graph labels its edges with them). */
  readonly inputMappings: readonly LineageInput[];
  readonly sinks: readonly SinkRef[];
  readonly partitions: PartitionCounts;
  readonly health: Health;
  readonly freshness: Freshness;
}

/** `GET /api/datasets`. */
export interface DatasetList {
  readonly datasets: readonly DatasetSummary[];
}

/** Consecutive partitions in one state: `fresh`, `failed` or why it is to build (datasets); `ok`, `failed` or `expired` (streams). */
export interface PartitionRange {
  readonly from: string;
  readonly to: string;
  readonly partitions: number;
  readonly state: string;
}

/** Why partitions are to build, one entry per reason (`missing`, `code changed`, `input purchases changed` …, and `failed`), most partitions first. */
export interface StaleReason {
  readonly reason: string;
  readonly partitions: number;
  /** Of them, how many wait for their inputs to be built or fixed first. */
  readonly waiting: number;
  /** The first and last partition with this reason. */
  readonly first: string;
  readonly last: string;
}

/** A dataset's partitions: its counts, and the span as ranges of one state each (never one entry per partition). */
export interface DatasetPartitions extends PartitionCounts {
  readonly ranges: readonly PartitionRange[];
  readonly rangesTruncated: boolean;
  /** Why the partitions that are not fresh are to build, counted over the whole span. */
  readonly reasons: readonly StaleReason[];
}

/** A stream's raw partitions, as ranges of one status each. */
export interface StreamPartitions {
  readonly count: number;
  readonly failed: number;
  readonly first: string | null;
  readonly last: string | null;
  readonly ranges: readonly PartitionRange[];
  readonly rangesTruncated: boolean;
}

/** Which input version a version was built from. */
export interface InputVersion {
  readonly dataset: string;
  readonly key: string;
  readonly version: string;
}

/** One version of one partition. */
export interface Version {
  readonly id: string;
  readonly partition: string;
  readonly state: 'committed' | 'quarantined';
  readonly rows: number;
  readonly bytes: number;
  /** How many Parquet files it has. */
  readonly files: number;
  readonly cause: Cause;
  readonly runId: string | null;
  readonly inputs: readonly InputVersion[];
  readonly codeFingerprint: string;
  readonly createdAt: string;
  readonly buildMs: number;
  /** The reason of the run that built it; `landed` for raw data. */
  readonly reason: string | null;
}

/** A check as the project declares it. */
export interface DeclaredCheck {
  readonly name: string;
  readonly kind: string;
  readonly severity: 'error' | 'warn';
  readonly description: string | null;
}

/** Which input partitions an output window reads: the same `window`, `all` of them, or the `last` `ms` ending where the window ends. */
export type InputMapping = { readonly kind: 'window' } | { readonly kind: 'all' } | { readonly kind: 'last'; readonly ms: number };

export interface LineageInput {
  /** The name the transformation reads it by. */
  readonly alias: string;
  readonly source: string;
  readonly mapping: InputMapping;
  /** The input's grain (`hour`, `day` …, or `none`): with the dataset's, it says how the mapping reads (`hours of the day`). */
  readonly grain: string;
}

/** A dataset's transformation as the project holds it: its SQL, or its TypeScript function as loaded (types stripped). */
export interface TransformationCode {
  readonly language: 'sql' | 'typescript';
  readonly text: string;
}

/** What a column means: said where it is defined (a JSON Schema's `description`, a `-- comment` in the SQL), or inherited from the input column it comes from. */
export interface ColumnNote {
  readonly column: string;
  readonly description: string;
  /** `user_events.user_id` when inherited from an input column; null when said here. */
  readonly from: string | null;
}

/** `GET /api/datasets/:name`: a dataset or stream. */
export interface DatasetDetail extends NodeSummary {
  /** The columns of its newest committed version, else as declared. */
  readonly schema: readonly Column[];
  readonly partitions: DatasetPartitions | StreamPartitions;
  /** Newest first, or those of the partition asked for. */
  readonly versions: readonly Version[];
  readonly checks: { readonly declared: readonly DeclaredCheck[]; readonly recent: readonly CheckSummary[] };
  readonly lineage: { readonly inputs: readonly LineageInput[]; readonly dependants: readonly string[]; readonly sinks: readonly SinkRef[] };
  readonly personalData: PersonalData | null;
  /** Null for a stream. */
  readonly code: TransformationCode | null;
  /** The columns whose meaning the project says, in column order. */
  readonly columnNotes: readonly ColumnNote[];
}

/** A bucket of the partition timeline: its partitions counted by state. */
export interface Bucket {
  readonly from: string;
  readonly to: string;
  /** Start of the first window and end of the last; null when unpartitioned. */
  readonly fromTime: string | null;
  readonly toTime: string | null;
  readonly partitions: number;
  readonly fresh: number;
  readonly stale: number;
  readonly missing: number;
  readonly failed: number;
}

/** `GET /api/datasets/:name/partitions`: a window of the span, cut into buckets of equal width. */
export interface Timeline {
  readonly name: string;
  readonly grain: string;
  /** Partitions in the whole span, and its first and last key. */
  readonly count: number;
  readonly first: string | null;
  readonly last: string | null;
  /** The window shown (null when it holds no partition of the span). */
  readonly from: string | null;
  readonly to: string | null;
  readonly fromTime: string | null;
  readonly toTime: string | null;
  readonly partitionsPerBucket: number;
  readonly buckets: readonly Bucket[];
}
