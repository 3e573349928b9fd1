/**
 * The partition timeline: a window of a dataset's or stream's partitions cut
 * into at most a few thousand buckets, each counting its partitions by
 * state (fresh, stale, missing, failed). Cost is linear in the window: a
 * sweep of the plan's typed arrays for datasets, of the partition columns
 * for streams; the answer never holds one entry per partition, so a million
 * partitions zoom out as cheaply as a hundred zoom in.
 */
import type { DatasetPlan } from '../../orchestrate/index.ts';
import type { PartitionColumns } from '../../state/index.ts';

/** Window numbers [start, end). */
export interface IdxRange {
  readonly start: number;
  readonly end: number;
}

export interface BucketCounts {
  /** Partitions per bucket (the last bucket may hold fewer). */
  readonly per: number;
  readonly partitions: Int32Array;
  readonly fresh: Int32Array;
  readonly stale: Int32Array;
  readonly missing: Int32Array;
  readonly failed: Int32Array;
}

/** Empty counts for `window` cut into at most `buckets` buckets of equal width. */
export function emptyBuckets(window: IdxRange, buckets: number): BucketCounts {
  const size = Math.max(0, window.end - window.start);
  const per = Math.max(1, Math.ceil(size / Math.max(1, buckets)));
  const n = Math.ceil(size / per);
  const partitions = new Int32Array(n);
  for (let b = 0; b < n; b++) partitions[b] = Math.min(per, size - b * per);
  return { per, partitions, fresh: new Int32Array(n), stale: new Int32Array(n), missing: new Int32Array(n), failed: new Int32Array(n) };
}

/**
 * A dataset's buckets from its plan: fresh (reason 0), failed (its last
 * build failed), missing (never built), stale (built, but out of date).
 * `window` must lie within the plan's span.
 */
export function datasetBuckets(d: DatasetPlan, window: IdxRange, buckets: number): BucketCounts {
  const counts = emptyBuckets(window, buckets);
  const { per, fresh, stale, missing, failed } = counts;
  const base = window.start - (d.span?.start ?? 0);
  const size = window.end - window.start;
  for (let i = 0; i < size; i++) {
    const k = base + i;
    const b = Math.floor(i / per);
    if (d.failed[k]) failed[b]!++;
    else if (d.reason[k] === 0) fresh[b]!++;
    else if (!d.built[k]) missing[b]!++;
    else stale[b]!++;
  }
  return counts;
}

/**
 * A stream's buckets from its partition columns (sorted by idx): ok raw
 * partitions are fresh, failed ones failed, and windows without a raw
 * partition (none yet, or expired) missing. A binary search finds the window's first partition.
 */
export function streamBuckets(columns: Pick<PartitionColumns, 'idx' | 'failed' | 'built'>, window: IdxRange, buckets: number): BucketCounts {
  const counts = emptyBuckets(window, buckets);
  const { per, partitions, fresh, failed, missing } = counts;
  const idx = columns.idx;
  let lo = 0;
  let hi = idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (idx[mid]! < window.start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < idx.length && idx[i]! < window.end; i++) {
    const b = Math.floor((idx[i]! - window.start) / per);
    if (columns.failed[i]) failed[b]!++;
    // An expired partition (retention.partitions) has no version any more: it counts as missing.
    else if (columns.built[i]) fresh[b]!++;
  }
  for (let b = 0; b < partitions.length; b++) missing[b] = partitions[b]! - fresh[b]! - failed[b]!;
  return counts;
}
