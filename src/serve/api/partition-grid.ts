/**
 * The grid of streams and datasets × time: one time axis cut into columns of
 * a round width (a minute … a year, on UTC boundaries), and for each stream or
 * dataset, per column, its partitions whose window overlaps the column, by
 * state. Grains differ from row to row, so columns are of time, not of
 * partitions: an hourly dataset has 24 partitions in a day column, a daily one
 * the same partition in each of 24 hour columns. Cost is linear in the
 * partitions inside the window plus the columns (a sweep of the plan's typed
 * arrays, of a stream's partition columns from a binary search): the answer
 * never holds an entry per partition, so a million partitions cost what the
 * columns do to send. See partition-timeline.ts for one node's own axis.
 */
import type { Partitioning } from '../../partition/index.ts';
import type { DatasetPlan } from '../../orchestrate/index.ts';
import type { PartitionColumns } from '../../state/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Column widths, shortest first: each divides a day or is whole days, so columns start on round UTC times. */
const WIDTHS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  28 * DAY,
  91 * DAY,
  364 * DAY,
];

/** Columns of `width` ms from `from`, `count` of them. */
export interface GridAxis {
  readonly from: number;
  readonly width: number;
  readonly count: number;
}

export interface GridCounts {
  readonly partitions: Int32Array;
  readonly fresh: Int32Array;
  readonly stale: Int32Array;
  readonly missing: Int32Array;
  readonly failed: Int32Array;
}

/**
 * At most `columns` columns covering [from, to): the narrowest round width
 * that fits, the first column starting on a multiple of it (weeks and longer:
 * of days, from the epoch).
 *
 * @example
 * gridAxis(Date.parse('2026-11-24T07:13Z'), Date.parse('2026-11-25T07:13Z'), 100)
 * // { from: 2026-11-24T07:00Z, width: 15 min, count: 97 }
 */
export function gridAxis(from: number, to: number, columns: number): GridAxis {
  const end = Math.max(from + 1, to);
  const axisOf = (width: number): GridAxis => {
    const unit = width >= DAY ? DAY : width;
    const start = Math.floor(from / unit) * unit;
    return { from: start, width, count: Math.max(1, Math.ceil((end - start) / width)) };
  };
  for (const width of WIDTHS) {
    const axis = axisOf(width);
    if (axis.count <= columns) return axis;
  }
  // Past the widest round width: whole days, as many as it takes.
  return axisOf(Math.ceil((end - from) / Math.max(1, columns - 1) / DAY) * DAY);
}

function emptyCounts(n: number): GridCounts {
  return { partitions: new Int32Array(n), fresh: new Int32Array(n), stale: new Int32Array(n), missing: new Int32Array(n), failed: new Int32Array(n) };
}

type State = 'fresh' | 'stale' | 'missing' | 'failed';

/** Adds one partition of window [start, end) in `state` to every column it overlaps. */
function add(counts: GridCounts, axis: GridAxis, start: number, end: number, state: State): void {
  const to = axis.from + axis.count * axis.width;
  const a = Math.max(start, axis.from);
  const z = Math.min(end, to);
  if (z <= a) return;
  const first = Math.floor((a - axis.from) / axis.width);
  const last = Math.floor((z - 1 - axis.from) / axis.width);
  for (let c = first; c <= last; c++) {
    counts.partitions[c]!++;
    counts[state][c]!++;
  }
}

/** The window numbers of `p` that overlap the axis. */
function windows(p: Partitioning & { kind: 'time' }, axis: GridAxis): { start: number; end: number } {
  return { start: p.grain.index(axis.from), end: p.grain.index(axis.from + axis.count * axis.width - 1) + 1 };
}

/**
 * A dataset's row, from its plan: fresh (reason 0), failed (its last build
 * failed), missing (never built), stale (built, out of date). Windows outside
 * its span (before its start, past what its inputs allow) are not counted.
 * An unpartitioned dataset's one partition spans every column.
 */
export function datasetRow(d: DatasetPlan, axis: GridAxis): GridCounts {
  const counts = emptyCounts(axis.count);
  if (!d.span) return counts;
  const stateOf = (k: number): State => (d.failed[k] ? 'failed' : d.reason[k] === 0 ? 'fresh' : !d.built[k] ? 'missing' : 'stale');
  const p = d.partitioning;
  if (p.kind === 'none') {
    add(counts, axis, -Infinity, Infinity, stateOf(0));
    return counts;
  }
  const w = windows(p, axis);
  const from = Math.max(w.start, d.span.start);
  const to = Math.min(w.end, d.span.end);
  for (let idx = from; idx < to; idx++) add(counts, axis, p.grain.start(idx), p.grain.start(idx + 1), stateOf(idx - d.span.start));
  return counts;
}

/**
 * A stream's row, from its partition columns (sorted by idx): ok raw
 * partitions are fresh, failed ones failed, expired ones missing. Windows
 * without a raw partition (no events) are not counted: a quiet hour is not a
 * problem.
 */
export function streamRow(p: Partitioning, columns: Pick<PartitionColumns, 'idx' | 'failed' | 'built'>, axis: GridAxis): GridCounts {
  const counts = emptyCounts(axis.count);
  const idx = columns.idx;
  const stateOf = (i: number): State => (columns.failed[i] ? 'failed' : columns.built[i] ? 'fresh' : 'missing');
  if (p.kind === 'none') {
    if (idx.length > 0) add(counts, axis, -Infinity, Infinity, stateOf(0));
    return counts;
  }
  const w = windows(p, axis);
  let lo = 0;
  let hi = idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (idx[mid]! < w.start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < idx.length && idx[i]! < w.end; i++) add(counts, axis, p.grain.start(idx[i]!), p.grain.start(idx[i]! + 1), stateOf(i));
  return counts;
}
