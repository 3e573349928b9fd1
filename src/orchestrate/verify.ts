/**
 * Reproducibility: `pond verify` rebuilds partitions from exactly the input
 * versions their current version recorded, with the current code, into the
 * lake's staging area (never a version: nothing becomes visible and the state
 * store is only read), and compares the rebuilt rows with the current
 * version's by order-independent fingerprints. Same inputs and code must give
 * the same rows (DESIGN.md, principle 2); a partition that differs was built
 * by a transformation that is not deterministic (random(), the clock, an
 * order-dependent floating-point sum …).
 *
 * A partition whose code changed since its build is reported as such and not
 * rebuilt: it is stale, not evidence of non-determinism. One whose inputs
 * changed since (late data, rebuilt inputs) is still verified against the
 * inputs it recorded, and reported as stale too.
 */
import { rm } from 'node:fs/promises';
import type { DatasetModel, Project } from '../config/index.ts';
import { asPondError, PondError } from '../errors/index.ts';
import type { PartitionState, Version } from '../state/index.ts';
import { transformPartition, type BuildContext } from './build-partition.ts';
import { compareFingerprints, fingerprintTables, type ContentDifference, type ContentFingerprint } from './content-fingerprint.ts';
import { currentInputs, recordedInputs, sameColumns } from './partition-inputs.ts';

export type Verdict = 'same' | 'differs' | 'code-changed' | 'error';

/** The outcome of verifying one partition's current version. */
export interface PartitionVerification {
  readonly dataset: string;
  readonly key: string;
  /** The current version verified. */
  readonly version: string;
  readonly verdict: Verdict;
  /** Why the version is stale (what changed since its build), or null when it is fresh. */
  readonly stale: string | null;
  /** Row counts of the current version and of the rebuild (verdicts `same` and `differs`). */
  readonly rows?: { readonly current: number; readonly rebuilt: number };
  /** Columns missing on one side or with another type or position (verdict `differs`). */
  readonly schemaChanges?: readonly string[];
  /** Columns whose values differ (verdict `differs`). */
  readonly columns?: readonly string[];
  /** Why the rebuild failed (verdict `error`). */
  readonly error?: PondError;
  readonly ms: number;
}

export interface VerifyOptions {
  /** Datasets to verify (only these, not their inputs); all when left out. */
  readonly datasets?: readonly string[];
  /** Only partitions whose window overlaps [from, to) (ms), as `pond build` selects them. */
  readonly from?: number;
  readonly to?: number;
  /** Partitions rebuilt at once; default: the project's concurrency. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called once the partitions to verify are known. */
  readonly onSelected?: (total: number) => void;
  readonly onVerified?: (result: PartitionVerification) => void;
}

export interface VerifyReport {
  /** Verified partitions, datasets in dependency order, partitions ascending. */
  readonly partitions: readonly PartitionVerification[];
  readonly total: number;
  readonly same: number;
  readonly differs: number;
  readonly codeChanged: number;
  readonly errors: number;
  readonly stale: number;
  /** True when the signal stopped the verification before every partition was verified. */
  readonly cancelled: boolean;
}

/**
 * Verifies that the current versions of the selected partitions reproduce.
 * Throws NOT_FOUND for an unknown dataset; every other failure is reported
 * per partition.
 *
 * @example
 * const report = await verify(ctx, { datasets: ['hourly_sales'], from: Date.parse('2026-11-20') });
 * for (const p of report.partitions) if (p.verdict === 'differs') console.log(p.dataset, p.key, p.columns);
 */
export async function verify(ctx: BuildContext, options: VerifyOptions = {}): Promise<VerifyReport> {
  const models = selectDatasets(ctx.project, options.datasets ?? []);
  const work: Array<{ model: DatasetModel; partition: PartitionState & { versionId: string } }> = [];
  for (const model of models) {
    const [from, to] = indexBounds(model, options.from, options.to);
    for (const p of await ctx.state.listPartitions(model.name, from, to)) {
      if (p.versionId !== null) work.push({ model, partition: { ...p, versionId: p.versionId } });
    }
  }
  options.onSelected?.(work.length);
  const results: Array<PartitionVerification | undefined> = new Array(work.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < work.length && !options.signal?.aborted; i = next++) {
      const { model, partition } = work[i] as (typeof work)[number];
      const result = await verifyPartition(ctx, model, partition, options.signal);
      // A rebuild stopped by the signal verified nothing.
      if (result.error?.code === 'CANCELLED' && options.signal?.aborted) return;
      results[i] = result;
      options.onVerified?.(result);
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? ctx.project.concurrency);
  await Promise.all(Array.from({ length: Math.min(concurrency, work.length) }, worker));
  const partitions = results.filter((r): r is PartitionVerification => r !== undefined);
  const count = (verdict: Verdict) => partitions.filter((p) => p.verdict === verdict).length;
  return {
    partitions,
    total: work.length,
    same: count('same'),
    differs: count('differs'),
    codeChanged: count('code-changed'),
    errors: count('error'),
    stale: partitions.filter((p) => p.stale !== null).length,
    cancelled: partitions.length < work.length,
  };
}

/** Rebuilds one partition from its recorded inputs into staging and compares; never throws. */
async function verifyPartition(
  ctx: BuildContext,
  model: DatasetModel,
  partition: PartitionState & { versionId: string },
  signal: AbortSignal | undefined,
): Promise<PartitionVerification> {
  const started = Date.now();
  const base = { dataset: model.name, key: partition.key, version: partition.versionId };
  let stale: string | null = null;
  try {
    const version = await ctx.state.getVersion(partition.versionId);
    if (!version)
      throw new PondError('NOT_FOUND', `current version ${partition.versionId} is not in the state store`, {
        where: `dataset "${model.name}" partition ${partition.key}`,
      });
    if (version.codeFingerprint !== model.codeFingerprint) {
      return { ...base, verdict: 'code-changed', stale: 'the code changed since the build', ms: Date.now() - started };
    }
    stale = await inputChanges(ctx, model, version);
    const { bindings } = await recordedInputs(ctx, model, version.idx, version.key, version.inputs);
    const outputPath = ctx.lake.stagingPath();
    try {
      await transformPartition(ctx, { model, idx: version.idx, key: version.key, bindings, outputPath, log: () => undefined, signal });
      if (signal?.aborted) throw new PondError('CANCELLED', 'the verification was cancelled');
      const tables = [
        { files: version.files.map((f) => ctx.lake.locate(f.path)), columns: version.schema, sameSchema: sameColumns(version.files) },
        { files: [outputPath], columns: [] },
      ];
      let diff = compare(await fingerprintTables(ctx.engine, tables));
      // Which columns differ helps to find the cause: worth a second pass, only then.
      if (!diff.same) diff = compare(await fingerprintTables(ctx.engine, tables, { perColumn: true }));
      return diff.same
        ? { ...base, verdict: 'same', stale, rows: diff.rows, ms: Date.now() - started }
        : { ...base, verdict: 'differs', stale, rows: diff.rows, schemaChanges: diff.schemaChanges, columns: diff.columns, ms: Date.now() - started };
    } finally {
      await rm(outputPath, { force: true });
    }
  } catch (error) {
    return { ...base, verdict: 'error', stale, error: asPondError(error), ms: Date.now() - started };
  }
}

function compare([current, rebuilt]: ContentFingerprint[]): ContentDifference {
  return compareFingerprints(current as ContentFingerprint, rebuilt as ContentFingerprint);
}

/** What changed among the partition's inputs since its version was built, or null when nothing did. */
async function inputChanges(ctx: BuildContext, model: DatasetModel, version: Version): Promise<string | null> {
  let now;
  try {
    now = (await currentInputs(ctx, model, version.idx, version.key)).inputs;
  } catch (error) {
    return `its inputs cannot be read now: ${asPondError(error).message}`;
  }
  const id = (i: { dataset: string; key: string }) => `${i.dataset} ${i.key}`;
  const was = new Map(version.inputs.map((i) => [id(i), i.version]));
  const is = new Map(now.map((i) => [id(i), i.version]));
  const changes: string[] = [];
  for (const [name, v] of is) {
    const before = was.get(name);
    if (before === undefined) changes.push(`input ${name} is new`);
    else if (before !== v) changes.push(`input ${name} has a newer version`);
  }
  for (const name of was.keys()) if (!is.has(name)) changes.push(`input ${name} is gone`);
  if (changes.length === 0) return null;
  return changes.length === 1 ? (changes[0] as string) : `${changes[0]} (and ${changes.length - 1} more input partition${changes.length === 2 ? '' : 's'})`;
}

/** The named datasets in dependency order; all when none are named. */
function selectDatasets(project: Project, names: readonly string[]): DatasetModel[] {
  for (const name of names) {
    if (!project.datasets.has(name)) {
      const hint = project.streams.has(name)
        ? `"${name}" is a stream: streams are landed as received, there is nothing to rebuild`
        : `datasets: ${[...project.datasets.keys()].join(', ')}`;
      throw new PondError('NOT_FOUND', `unknown dataset "${name}"`, { hint });
    }
  }
  const wanted = new Set(names);
  return project.order.filter((name) => wanted.size === 0 || wanted.has(name)).map((name) => project.datasets.get(name) as DatasetModel);
}

/** The partition numbers [from, to) whose windows overlap the time filter; unbounded for unpartitioned data. */
function indexBounds(model: DatasetModel, from: number | undefined, to: number | undefined): [number | undefined, number | undefined] {
  const p = model.partitioning;
  if (p.kind === 'none') return [undefined, undefined];
  // A window [s, e) overlaps [from, to) when e > from and s < to.
  return [from === undefined ? undefined : p.grain.index(from), to === undefined ? undefined : p.grain.index(to - 1) + 1];
}
