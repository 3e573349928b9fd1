/**
 * Builds one partition of one dataset: resolves its inputs to the files of
 * their current versions, runs the transformation into staging, moves the
 * output into a new version folder, writes the manifest and makes the version
 * current in one state transaction. Nothing is visible before that commit,
 * which the caller makes (with the run and the task, see Executor).
 *
 * `transformPartition` is the part a rebuild shares with `pond verify`
 * (verify.ts): the same transformation over given inputs into a given file.
 */
import type { DatasetModel, Project } from '../config/index.ts';
import { partitionPath, windowBounds } from '../partition/index.ts';
import { PondError } from '../errors/index.ts';
import type { Lake } from '../lake/index.ts';
import type { SubjectKeyRing } from '../privacy/index.ts';
import type { Cause, NewVersion, VersionStore, SubjectKeyStore } from '../state/index.ts';
import type { Engine } from '../compute/index.ts';
import { runTransform, type BuildOutput, type InputBinding } from '../transform/index.ts';
import { currentInputs } from './partition-inputs.ts';

export interface BuildContext {
  readonly project: Project;
  readonly state: VersionStore & SubjectKeyStore;
  readonly lake: Lake;
  readonly engine: Engine;
  /** The subjects' keys, for datasets that decrypt their inputs (`decrypt`); see partition-inputs.ts. */
  readonly keyRing?: () => Promise<SubjectKeyRing>;
}

export interface BuildRequest {
  readonly model: DatasetModel;
  readonly idx: number;
  readonly key: string;
  readonly cause: Cause;
  readonly runId: string;
  readonly log: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** One run of a dataset's transformation for one partition, over inputs already resolved. */
export interface TransformRequest {
  readonly model: DatasetModel;
  readonly idx: number;
  readonly key: string;
  readonly bindings: readonly InputBinding[];
  /** Where the Parquet output goes (a staging path: nothing there is visible). */
  readonly outputPath: string;
  readonly log: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** Builds the partition's files and manifest; returns the version to commit. */
export async function buildPartition(ctx: BuildContext, req: BuildRequest): Promise<NewVersion> {
  const started = Date.now();
  const { model } = req;
  const { bindings, inputs, inputSeq } = await currentInputs(ctx, model, req.idx, req.key);
  req.log(`inputs: ${inputs.length} partition versions, seq ≤ ${inputSeq}`);
  const draft = ctx.lake.draft('datasets', model.name, req.key, partitionPath(model.partitioning, req.idx), started);
  const staged = ctx.lake.stagingPath();
  const output = await transformPartition(ctx, { model, idx: req.idx, key: req.key, bindings, outputPath: staged, log: req.log, signal: req.signal });
  if (req.signal?.aborted) throw new PondError('CANCELLED', 'the build was cancelled');
  const file = await ctx.lake.addFile(draft, 0, staged, output.rows, output.schema);
  const createdAt = Date.now();
  await ctx.lake.writeManifest(draft, { files: [file], schema: output.schema, codeFingerprint: model.codeFingerprint, inputs, createdAt });
  const version: NewVersion = {
    id: draft.versionId,
    dataset: model.name,
    idx: req.idx,
    key: req.key,
    prefix: draft.prefix,
    files: [file],
    rows: output.rows,
    bytes: file.bytes,
    schema: output.schema,
    codeFingerprint: model.codeFingerprint,
    inputSeq,
    inputs,
    runId: req.runId,
    cause: req.cause,
    createdAt,
    buildMs: createdAt - started,
  };
  return version;
}

/**
 * Runs the dataset's transformation (SQL or TypeScript) for one partition
 * over the given inputs into `outputPath`, with the partition's window bound
 * as `pond_partition`.
 *
 * @example
 * const { bindings } = await recordedInputs(ctx, model, idx, key, version.inputs);
 * const output = await transformPartition(ctx, { model, idx, key, bindings, outputPath: ctx.lake.stagingPath(), log: () => {} });
 */
export async function transformPartition(ctx: Pick<BuildContext, 'engine' | 'lake'>, req: TransformRequest): Promise<BuildOutput> {
  const { model } = req;
  const bounds = windowBounds(model.partitioning, req.idx);
  return runTransform(ctx.engine, {
    dataset: model.name,
    file: model.file,
    window: { key: req.key, start: Number.isFinite(bounds.start) ? bounds.start : null, end: Number.isFinite(bounds.end) ? bounds.end : null },
    inputs: req.bindings,
    sql: model.sql,
    transform: model.transform,
    columns: model.columns,
    outputPath: req.outputPath,
    scratchPath: ctx.lake.stagingPath(''),
    log: req.log,
    signal: req.signal,
  });
}
