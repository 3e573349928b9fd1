/**
 * The planner: compares what the code says should exist with what the state
 * store holds, and decides, for every partition of every dataset, whether it
 * is fresh, why it is stale, and whether it can be built now.
 *
 * It works on dense typed arrays over each dataset's desired window range and
 * sweeps them once per input, so a million partitions plan in milliseconds
 * after their state has loaded. See ARCHITECTURE.md beside this file.
 */
import type { DatasetModel, Project, ResolvedInput, StreamModel } from '../config/index.ts';
import { partitionKey, retentionHorizon, type Partitioning } from '../partition/index.ts';
import type { PartitionColumns, StreamActivity, VersionStore, StreamActivityStore } from '../state/index.ts';
import { inputRange } from './input-mapping.ts';

/** Why a partition is stale. 0 means fresh. */
export const REASONS = ['fresh', 'missing', 'failed-earlier', 'code-changed', 'input-changed', 'upstream', 'forced'] as const;
export type Reason = (typeof REASONS)[number];
const R = Object.fromEntries(REASONS.map((r, i) => [r, i])) as Record<Reason, number>;

export interface PlanOptions {
  /** Datasets that may be built (the others are only looked at). Default: all. */
  readonly scope?: ReadonlySet<string>;
  /** Only partitions whose window overlaps [from, to) (ms). */
  readonly from?: number;
  readonly to?: number;
  /** Rebuild every partition in scope, fresh or not. */
  readonly force?: boolean;
  /** Partitions already queued or running (by dataset): they count as planned, and are not ready again. */
  readonly pending?: ReadonlyMap<string, ReadonlySet<number>>;
  readonly now: number;
}

export interface StreamPlan {
  readonly kind: 'stream';
  readonly name: string;
  readonly partitioning: Partitioning;
  /** Dense range [start, end) of windows the stream covers, or null without data. */
  readonly span: { start: number; end: number } | null;
  /** Windows before this one are complete (watermark passed their end). */
  readonly frontier: number;
  readonly watermark: number | null;
  readonly currentSeq: Float64Array;
  /** Per window offset: 1 when the partition's last raw version failed an `error` check (its dependants wait). */
  readonly failed: Uint8Array;
  readonly columns: PartitionColumns;
}

export interface DatasetPlan {
  readonly kind: 'dataset';
  readonly name: string;
  readonly model: DatasetModel;
  readonly partitioning: Partitioning;
  /** Desired windows [start, end); null when nothing can exist yet. */
  readonly span: { start: number; end: number } | null;
  /** Per window offset: index into REASONS (0 fresh). */
  readonly reason: Uint8Array;
  /** Per window offset: which input (index in model.inputs) changed or will change, or -1. */
  readonly reasonInput: Int8Array;
  /** Per window offset: 1 when the partition is to be built in this plan (in scope and in the time filter). */
  readonly planned: Uint8Array;
  /** Per window offset: 1 when planned and every input is ready now. */
  readonly ready: Uint8Array;
  /** Per window offset: current seq of the partition (0 when none). */
  readonly currentSeq: Float64Array;
  readonly built: Uint8Array;
  readonly failed: Uint8Array;
  /** Windows past the span that wait for an input's watermark or build. */
  readonly waitingFor: string | null;
}

export type NodePlan = StreamPlan | DatasetPlan;

export interface Plan {
  readonly at: number;
  readonly streams: ReadonlyMap<string, StreamPlan>;
  readonly datasets: ReadonlyMap<string, DatasetPlan>;
}

/** The watermark of a stream: newest event time minus lateness, or wall clock minus lateness when idle. */
export function watermarkOf(stream: StreamModel, activity: StreamActivity | undefined, now: number): number | null {
  if (!activity || activity.maxEventTime === null) return null;
  const idle = activity.lastReceivedAt === null || now - activity.lastReceivedAt > stream.latenessMs;
  const newest = idle ? Math.max(activity.maxEventTime, now) : activity.maxEventTime;
  return newest - stream.latenessMs;
}

export async function plan(project: Project, state: VersionStore & StreamActivityStore, options: PlanOptions): Promise<Plan> {
  const streams = new Map<string, StreamPlan>();
  for (const stream of project.streams.values()) {
    const columns = await state.partitionColumns(stream.name);
    const activity = await state.getStreamActivity(stream.name);
    const watermark = watermarkOf(stream, activity, options.now);
    const grain = stream.partitioning.kind === 'time' ? stream.partitioning.grain : undefined;
    const n = columns.idx.length;
    const span = n === 0 ? null : { start: columns.idx[0] as number, end: (columns.idx[n - 1] as number) + 1 };
    const currentSeq = new Float64Array(span ? span.end - span.start : 0);
    const failed = new Uint8Array(currentSeq.length);
    for (let i = 0; i < n; i++) {
      const k = (columns.idx[i] as number) - (span as { start: number }).start;
      currentSeq[k] = columns.currentSeq[i] as number;
      failed[k] = columns.failed[i] as number;
    }
    const frontier = watermark === null || !grain ? -Infinity : grain.index(watermark);
    streams.set(stream.name, { kind: 'stream', name: stream.name, partitioning: stream.partitioning, span, frontier, watermark, currentSeq, failed, columns });
  }
  const datasets = new Map<string, DatasetPlan>();
  const retentionOf = (name: string) => (project.streams.get(name) ?? project.datasets.get(name))?.retention.partitionsMs ?? null;
  for (const name of project.order) {
    const model = project.datasets.get(name) as DatasetModel;
    const columns = await state.partitionColumns(name);
    datasets.set(name, planDataset(model, columns, streams, datasets, options, retentionOf));
  }
  return { at: options.now, streams, datasets };
}

function planDataset(
  model: DatasetModel,
  columns: PartitionColumns,
  streams: ReadonlyMap<string, StreamPlan>,
  datasets: ReadonlyMap<string, DatasetPlan>,
  options: PlanOptions,
  retentionOf: (name: string) => number | null,
): DatasetPlan {
  const out = model.partitioning;
  const inputs = model.inputs.map((input) => ({ input, node: (streams.get(input.source) ?? datasets.get(input.source)) as NodePlan }));
  const { span, waitingFor } = desiredSpan(model, inputs, options.now, retentionOf);
  const size = span ? span.end - span.start : 0;
  const reason = new Uint8Array(size);
  const reasonInput = new Int8Array(size).fill(-1);
  const planned = new Uint8Array(size);
  const ready = new Uint8Array(size);
  const currentSeq = new Float64Array(size);
  const inputSeq = new Float64Array(size);
  const built = new Uint8Array(size);
  const failed = new Uint8Array(size);
  const codeRef = new Int32Array(size).fill(-1);
  if (!span)
    return { kind: 'dataset', name: model.name, model, partitioning: out, span, reason, reasonInput, planned, ready, currentSeq, built, failed, waitingFor };

  for (let i = 0; i < columns.idx.length; i++) {
    const k = (columns.idx[i] as number) - span.start;
    if (k < 0 || k >= size) continue;
    currentSeq[k] = columns.currentSeq[i] as number;
    inputSeq[k] = columns.inputSeq[i] as number;
    built[k] = columns.built[i] as number;
    failed[k] = columns.failed[i] as number;
    codeRef[k] = columns.codeRef[i] as number;
  }
  const currentCode = columns.codeFingerprints.indexOf(model.codeFingerprint);
  const inScope = options.scope === undefined || options.scope.has(model.name);
  const inTime = timeFilter(out, span, options);

  for (let k = 0; k < size; k++) {
    if (!built[k]) reason[k] = failed[k] ? R['failed-earlier'] : R.missing;
    else if (failed[k]) reason[k] = R['failed-earlier'];
    else if (model.onCodeChange === 'rebuild' && codeRef[k] !== currentCode) reason[k] = R['code-changed'];
  }

  // One sweep per input: input changed (seq), input will change (planned), input not ready.
  const notReady = new Uint8Array(size);
  inputs.forEach(({ input, node }, inputIndex) => {
    const sweep = new InputSweep(node);
    for (let k = 0; k < size; k++) {
      const { from, to } = inputRange(out, node.partitioning, input.mapping, span.start + k);
      const window = sweep.window(from, to);
      // A failed partition's inputSeq is the seq of its failure: an input committed since may fix it.
      if (window.maxSeq > inputSeq[k]! && (reason[k] === R.fresh || (reason[k] === R['failed-earlier'] && failed[k]))) {
        reason[k] = R['input-changed'];
        reasonInput[k] = inputIndex;
      }
      if (window.planned > 0 && (reason[k] === R.fresh || reason[k] === R['input-changed'])) {
        reason[k] = R.upstream;
        reasonInput[k] = inputIndex;
      }
      if (window.notReady > 0) notReady[k] = 1;
    }
  });

  const pending = options.pending?.get(model.name);
  for (let k = 0; k < size; k++) {
    if (options.force && inScope && inTime(k) && reason[k] === R.fresh) reason[k] = R.forced;
    if (pending?.has(span.start + k)) {
      if (reason[k] === R.fresh) reason[k] = R.forced;
      planned[k] = 1;
      continue;
    }
    if (reason[k] !== R.fresh && inScope && inTime(k)) {
      planned[k] = 1;
      if (!notReady[k]) ready[k] = 1;
    }
  }
  return { kind: 'dataset', name: model.name, model, partitioning: out, span, reason, reasonInput, planned, ready, currentSeq, built, failed, waitingFor };
}

/**
 * The windows a dataset should have now: from its start to the newest window
 * whose inputs are complete. Windows before a partition retention's horizon
 * (its own, or an input's) are not wanted: they expired, or their inputs did.
 */
function desiredSpan(
  model: DatasetModel,
  inputs: ReadonlyArray<{ input: ResolvedInput; node: NodePlan }>,
  now: number,
  retentionOf: (name: string) => number | null,
): { span: { start: number; end: number } | null; waitingFor: string | null } {
  const out = model.partitioning;
  if (out.kind === 'none') {
    const empty = inputs.find(({ node }) => node.span === null);
    return empty ? { span: null, waitingFor: `${empty.input.source} has no data yet` } : { span: { start: 0, end: 1 }, waitingFor: null };
  }
  const g = out.grain;
  let start = model.startMs === null ? -Infinity : g.index(model.startMs);
  let end = Infinity;
  let waitingFor: string | null = null;
  let anyBounded = false;
  let earliestAll = Infinity;
  for (const { input, node } of inputs) {
    if (!node.span) {
      if (input.mapping.kind !== 'all') return { span: null, waitingFor: `${input.source} has no data yet` };
      continue;
    }
    const inGrain = node.partitioning.kind === 'time' ? node.partitioning.grain : undefined;
    const first = inGrain ? g.index(inGrain.start(node.span.start)) : -Infinity;
    if (input.mapping.kind === 'all') {
      earliestAll = Math.min(earliestAll, first);
      continue;
    }
    anyBounded = true;
    if (model.startMs === null) start = Math.max(start, first);
    // Complete windows of a stream end at its frontier; of a dataset, at its desired end.
    const inputEnd = node.kind === 'stream' ? node.frontier : node.span.end;
    const candidate = inGrain && Number.isFinite(inputEnd) ? g.index(inGrain.start(inputEnd)) : inputEnd;
    if (candidate < end) {
      end = candidate;
      waitingFor = node.kind === 'stream' ? `watermark of ${node.name}` : `${node.name}`;
    }
  }
  if (!anyBounded) {
    if (!Number.isFinite(earliestAll)) return { span: null, waitingFor: 'no input has data yet' };
    if (model.startMs === null) start = earliestAll;
    end = g.index(now) + 1;
  }
  for (const ms of [model.retention.partitionsMs, ...inputs.map(({ input }) => retentionOf(input.source))]) {
    start = Math.max(start, retentionHorizon(out, ms, now));
  }
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return { span: null, waitingFor: waitingFor ?? 'no complete input window yet' };
  return { span: { start, end }, waitingFor };
}

function timeFilter(out: Partitioning, span: { start: number }, options: PlanOptions): (k: number) => boolean {
  if (out.kind === 'none' || (options.from === undefined && options.to === undefined)) return () => true;
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  return (k) => {
    const s = out.grain.start(span.start + k);
    const e = out.grain.start(span.start + k + 1);
    return e > from && s < to;
  };
}

/**
 * Answers, for input ranges [from, to) that only move forward, the highest
 * current seq, how many partitions are planned, and how many are not ready.
 * Monotonic deque for the max, prefix sums for the counts.
 */
class InputSweep {
  private readonly start: number;
  private readonly seq: Float64Array;
  private readonly plannedPrefix: Int32Array;
  private readonly notReadyPrefix: Int32Array;
  private readonly deque: Int32Array;
  private head = 0;
  private tail = 0;
  private nextIn = 0;

  constructor(node: NodePlan) {
    this.start = node.span?.start ?? 0;
    this.seq = node.currentSeq;
    const n = this.seq.length;
    this.plannedPrefix = new Int32Array(n + 1);
    this.notReadyPrefix = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) {
      const planned = node.kind === 'dataset' ? node.planned[k]! : 0;
      // Streams: an empty window is a complete, empty input, a window whose raw version failed its checks is not.
      // Datasets: every desired partition must be built and fresh.
      const notReady = node.kind === 'dataset' ? (!node.built[k] || node.reason[k] !== 0 ? 1 : 0) : node.failed[k]!;
      this.plannedPrefix[k + 1] = this.plannedPrefix[k]! + planned;
      this.notReadyPrefix[k + 1] = this.notReadyPrefix[k]! + notReady;
    }
    this.deque = new Int32Array(n);
  }

  window(from: number, to: number): { maxSeq: number; planned: number; notReady: number } {
    const n = this.seq.length;
    const a = Math.max(0, Math.min(n, from - this.start));
    const b = Math.max(0, Math.min(n, to - this.start));
    if (b <= a) return { maxSeq: 0, planned: 0, notReady: 0 };
    while (this.nextIn < b) {
      const v = this.seq[this.nextIn]!;
      while (this.tail > this.head && this.seq[this.deque[this.tail - 1]!]! <= v) this.tail--;
      this.deque[this.tail++] = this.nextIn++;
    }
    while (this.tail > this.head && this.deque[this.head]! < a) this.head++;
    const maxSeq = this.tail > this.head ? this.seq[this.deque[this.head]!]! : 0;
    return {
      maxSeq,
      planned: this.plannedPrefix[b]! - this.plannedPrefix[a]!,
      notReady: this.notReadyPrefix[b]! - this.notReadyPrefix[a]!,
    };
  }
}

/** Consecutive windows with the same value of `f`, as ranges of window numbers. */
export function groupRuns<T>(plan: DatasetPlan, f: (k: number) => T | undefined): Array<{ value: T; start: number; end: number }> {
  const out: Array<{ value: T; start: number; end: number }> = [];
  if (!plan.span) return out;
  const size = plan.span.end - plan.span.start;
  for (let k = 0; k < size; k++) {
    const value = f(k);
    if (value === undefined) continue;
    const last = out[out.length - 1];
    if (last && last.end === plan.span.start + k && last.value === value) last.end++;
    else out.push({ value, start: plan.span.start + k, end: plan.span.start + k + 1 });
  }
  return out;
}

export function keyOf(plan: DatasetPlan, idx: number): string {
  return partitionKey(plan.partitioning, idx);
}

export function reasonOf(plan: DatasetPlan, k: number): Reason {
  return REASONS[plan.reason[k]!] ?? 'fresh';
}

/** A sentence for why a partition will be built. */
export function describeReason(plan: DatasetPlan, k: number): string {
  const reason = reasonOf(plan, k);
  const input = plan.reasonInput[k]! >= 0 ? plan.model.inputs[plan.reasonInput[k]!]?.source : undefined;
  switch (reason) {
    case 'missing':
      return 'missing';
    case 'failed-earlier':
      return 'failed earlier';
    case 'code-changed':
      return 'code changed';
    case 'input-changed':
      return `input ${input} changed`;
    case 'upstream':
      return `input ${input} will be rebuilt`;
    case 'forced':
      return 'forced';
    default:
      return 'fresh';
  }
}
