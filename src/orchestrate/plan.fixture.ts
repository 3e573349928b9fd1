/**
 * Projects and partition states in memory for the planner's tests: a model
 * with only the fields the planner reads, partition columns from rows, and a
 * case runner that describes a dataset's plan in words.
 */
import assert from 'node:assert/strict';
import type { DatasetModel, Project, ResolvedMapping, StreamModel } from '../config/index.ts';
import { GRAINS, type GrainName, type Partitioning } from '../partition/index.ts';
import type { PartitionColumns, StreamActivity, StreamActivityStore, VersionStore } from '../state/index.ts';
import { describeReason, groupRuns, keyOf, plan, type Plan, type PlanOptions } from './plan.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** A time on 2026-11-20 (or another day of that month). */
export const at = (hhmm: string, day = 20) => Date.parse(`2026-11-${day}T${hhmm}Z`);
/** The hour window of `hhmm`. */
export const hour = (hhmm: string, day = 20) => GRAINS.hour.index(at(hhmm, day));
export const time = (grain: GrainName): Partitioning => ({ kind: 'time', grain: GRAINS[grain] });

// The planner reads only these fields of the model; the rest (schemas, checks, sinks …) is other code's.
export type PlannedStream = Pick<StreamModel, 'kind' | 'name' | 'partitioning' | 'latenessMs' | 'startMs' | 'retention'>;
export type PlannedDataset = Pick<DatasetModel, 'kind' | 'name' | 'inputs' | 'partitioning' | 'startMs' | 'onCodeChange' | 'codeFingerprint' | 'retention'>;

const retention = (partitionsMs: number | null) => ({ partitionsMs, versions: { keep: null, forMs: null } });

export function stream(name: string, o: { partition?: Partitioning; latenessMs?: number; retentionMs?: number } = {}): PlannedStream {
  return {
    kind: 'stream',
    name,
    partitioning: o.partition ?? time('hour'),
    latenessMs: o.latenessMs ?? 10 * MINUTE,
    startMs: null,
    retention: retention(o.retentionMs ?? null),
  };
}

type InputSpec = string | { from: string; map: ResolvedMapping };

export function dataset(
  name: string,
  inputs: Record<string, InputSpec>,
  o: { partition?: Partitioning; onCodeChange?: 'rebuild' | 'new-only'; code?: string; retentionMs?: number; startMs?: number } = {},
): PlannedDataset {
  return {
    kind: 'dataset',
    name,
    inputs: Object.entries(inputs).map(([alias, i]) =>
      typeof i === 'string' ? { alias, source: i, mapping: { kind: 'window' } } : { alias, source: i.from, mapping: i.map },
    ),
    partitioning: o.partition ?? time('hour'),
    startMs: o.startMs ?? null,
    onCodeChange: o.onCodeChange ?? 'rebuild',
    codeFingerprint: o.code ?? 'v1',
    retention: retention(o.retentionMs ?? null),
  };
}

/** One partition in the state store: its current seq, the input seq it was built from, and how its last build went. */
export interface Row {
  readonly idx: number;
  readonly seq: number;
  readonly inputSeq?: number;
  readonly failed?: boolean;
  readonly built?: boolean;
  readonly code?: string;
}

function columns(rows: readonly Row[]): PartitionColumns {
  const sorted = [...rows].sort((a, b) => a.idx - b.idx);
  const codeFingerprints = [...new Set(sorted.flatMap((r) => (r.code === undefined ? [] : [r.code])))];
  return {
    idx: Float64Array.from(sorted, (r) => r.idx),
    currentSeq: Float64Array.from(sorted, (r) => r.seq),
    inputSeq: Float64Array.from(sorted, (r) => r.inputSeq ?? 0),
    failed: Uint8Array.from(sorted, (r) => (r.failed ? 1 : 0)),
    built: Uint8Array.from(sorted, (r) => (r.built === false ? 0 : 1)),
    codeRef: Int32Array.from(sorted, (r) => (r.code === undefined ? -1 : codeFingerprints.indexOf(r.code))),
    codeFingerprints,
    maxSeq: Math.max(0, ...sorted.map((r) => r.seq)),
  };
}

/** Raw versions of a stream for hours `from` … `to` of the 20th: hour h has seq h + 1. */
export const rawHours = (from: number, to: number): Row[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ idx: hour('00:00') + from + i, seq: from + i + 1 }));
/** Hourly partitions built from those raw versions with code v1, fresh: seq 100 + h, input seq h + 1. */
export const builtHours = (from: number, to: number): Row[] =>
  rawHours(from, to).map((r) => ({ idx: r.idx, seq: 100 + r.seq - 1, inputSeq: r.seq, code: 'v1' }));
/** Replaces or adds rows by window. */
export const withRows = (rows: readonly Row[], ...changed: Row[]): Row[] => [...rows.filter((r) => !changed.some((c) => c.idx === r.idx)), ...changed];

export interface Case {
  readonly name: string;
  readonly nodes: ReadonlyArray<PlannedStream | PlannedDataset>;
  /** Partitions by stream or dataset name. */
  readonly state: Readonly<Record<string, readonly Row[]>>;
  /** Stream activity by stream name. */
  readonly activity?: Readonly<Record<string, Pick<StreamActivity, 'maxEventTime' | 'lastReceivedAt'>>>;
  readonly options: Partial<PlanOptions> & { now: number };
  /** By dataset: the windows it wants (`first..last`), what is planned, and (when given) what it waits for. */
  readonly expect: Readonly<Record<string, { span: string | null; planned: readonly string[]; waitingFor?: string | null }>>;
}

export async function planCase(c: Case): Promise<Plan> {
  const streams = c.nodes.filter((n): n is PlannedStream => n.kind === 'stream');
  const datasets = c.nodes.filter((n): n is PlannedDataset => n.kind === 'dataset');
  const project: Pick<Project, 'streams' | 'datasets' | 'order'> = {
    streams: new Map(streams.map((s) => [s.name, s as StreamModel])),
    datasets: new Map(datasets.map((d) => [d.name, d as DatasetModel])),
    order: datasets.map((d) => d.name),
  };
  const state: Pick<VersionStore, 'partitionColumns'> & Pick<StreamActivityStore, 'getStreamActivity'> = {
    partitionColumns: (name) => Promise.resolve(columns(c.state[name] ?? [])),
    getStreamActivity: (name) => {
      const a = c.activity?.[name];
      return Promise.resolve(a && { stream: name, events: 1, deadLetters: 0, ...a });
    },
  };
  return plan(project as Project, state as VersionStore & StreamActivityStore, c.options);
}

/** A dataset's plan in words: `first..last` of its windows, and each run of planned windows with its reason (`, waits` when an input is not ready). */
function described(p: Plan, name: string): { span: string | null; planned: string[]; waitingFor: string | null } {
  const d = p.datasets.get(name);
  assert.ok(d, `dataset ${name} planned`);
  const key = (idx: number) => keyOf(d, idx).replace(/\/.*$/, '');
  const runs = groupRuns(d, (k) => (d.planned[k] ? `${describeReason(d, k)}${d.ready[k] ? '' : ', waits'}` : undefined));
  return {
    span: d.span && `${key(d.span.start)}..${key(d.span.end - 1)}`,
    planned: runs.map((r) => `${key(r.start)}..${key(r.end - 1)} ${r.value}`),
    waitingFor: d.waitingFor,
  };
}

export async function expectPlan(c: Case): Promise<void> {
  const p = await planCase(c);
  for (const [name, want] of Object.entries(c.expect)) {
    const got = described(p, name);
    assert.deepEqual({ span: got.span, planned: got.planned }, { span: want.span, planned: want.planned }, `${c.name}: ${name}`);
    if (want.waitingFor !== undefined) assert.equal(got.waitingFor, want.waitingFor, `${c.name}: ${name} waits for`);
  }
}
