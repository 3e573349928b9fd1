/**
 * Builds one partition of one dataset: resolves its inputs to the files of
 * their current versions, runs the transformation into staging, moves the
 * output into a new version folder, writes the manifest and makes the version
 * current in one state transaction. Nothing is visible before that commit,
 * which the caller makes (with the run and the task, see Executor).
 */
import type { DatasetModel, Project } from '../config/index.ts';
import { partitionPath, windowBounds } from '../define/index.ts';
import { PondError } from '../errors/index.ts';
import type { Lake } from '../lake/index.ts';
import type { Cause, InputVersion, NewVersion, StateStore, VersionFile } from '../state/index.ts';
import { runTransform, type Engine, type InputBinding } from '../transform/index.ts';
import { inputRange } from './input-mapping.ts';

export interface BuildContext {
  readonly project: Project;
  readonly state: StateStore;
  readonly lake: Lake;
  readonly engine: Engine;
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

/** Builds the partition's files and manifest; returns the version to commit. */
export async function buildPartition(ctx: BuildContext, req: BuildRequest): Promise<NewVersion> {
  const started = Date.now();
  const { model } = req;
  const bindings: InputBinding[] = [];
  const inputs: InputVersion[] = [];
  let inputSeq = 0;
  for (const input of model.inputs) {
    const stream = ctx.project.streams.get(input.source);
    const source = stream ?? ctx.project.datasets.get(input.source);
    if (!source) throw new PondError('INTERNAL', `input ${input.source} of ${model.name} is not in the project`);
    const { from, to } = inputRange(model.partitioning, source.partitioning, input.mapping, req.idx);
    const versions = await ctx.state.currentVersions(input.source, from, to);
    if (!stream && source.partitioning.kind === 'time' && input.mapping.kind !== 'all') {
      // Derived inputs are dense: every mapped partition inside the input's data must exist.
      const present = new Set(versions.map((v) => v.idx));
      const missing = versions.length === 0 ? undefined : [...rangeOf(from, to)].find((i) => i >= (versions[0]?.idx ?? 0) && !present.has(i));
      if (missing !== undefined) {
        throw new PondError('INPUT_NOT_READY', `input ${input.source} has no current version for a mapped partition`, { where: `dataset "${model.name}" partition ${req.key}` });
      }
    }
    for (const v of versions) {
      inputSeq = Math.max(inputSeq, v.currentSeq);
      inputs.push({ dataset: input.source, key: v.key, version: v.versionId });
    }
    bindings.push({
      alias: input.alias,
      files: versions.flatMap((v) => v.files.map((f) => ctx.lake.locate(f.path))),
      columns: stream ? stream.columns : (versions[versions.length - 1]?.schema ?? []),
      sameSchema: sameColumns(versions.flatMap((v) => v.files)),
    });
  }
  req.log(`inputs: ${inputs.length} partition versions, seq ≤ ${inputSeq}`);
  const draft = ctx.lake.draft('datasets', model.name, req.key, partitionPath(model.partitioning, req.idx), started);
  const staged = ctx.lake.stagingPath();
  const bounds = windowBounds(model.partitioning, req.idx);
  const output = await runTransform(ctx.engine, {
    dataset: model.name,
    file: model.file,
    window: { key: req.key, start: Number.isFinite(bounds.start) ? bounds.start : null, end: Number.isFinite(bounds.end) ? bounds.end : null },
    inputs: bindings,
    sql: model.sql,
    transform: model.transform,
    columns: model.columns,
    outputPath: staged,
    scratchPath: ctx.lake.stagingPath(''),
    log: req.log,
    signal: req.signal,
  });
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

/** Whether every file is known to have the same columns in the same order (then files can be read by position). */
function sameColumns(files: readonly VersionFile[]): boolean {
  const first = files[0]?.columns;
  return first !== undefined && files.every((f) => f.columns === first);
}

function* rangeOf(from: number, to: number): Iterable<number> {
  for (let i = from; i < to; i++) yield i;
}
