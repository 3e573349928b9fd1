/**
 * What a build of one partition reads: for each input of the dataset, the
 * files of the input partition versions it maps to. `currentInputs` resolves
 * them to the inputs' current versions (a build); `recordedInputs` to exactly
 * the versions an earlier build recorded (`pond verify` rebuilding it), even
 * when newer versions have become current since.
 */
import { protectsPersonalData, type DatasetModel, type Project, type ResolvedInput, type StreamModel } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import type { Lake } from '../lake/index.ts';
import type { Column, InputVersion, VersionFile } from '../model/index.ts';
import type { VersionStore, SubjectKeyStore } from '../state/index.ts';
import { decryptedFields, forgottenRowsOf, forgottenSubjects, type SubjectKeyRing } from '../privacy/index.ts';
import type { InputBinding } from '../transform/index.ts';
import { inputRange } from './input-mapping.ts';

/** The inputs of one build: views to bind, and the versions to record with the output. */
export interface PartitionInputs {
  readonly bindings: readonly InputBinding[];
  /** Every input partition version read, input by input, ascending by partition. */
  readonly inputs: readonly InputVersion[];
  /** Highest `currentSeq` among the inputs read (0 when unknown, as for recorded inputs). */
  readonly inputSeq: number;
}

/**
 * What resolving inputs needs: the project, the versions in the state store,
 * and where the lake's files are; the subjects' keys for a dataset that
 * decrypts its inputs (`decrypt`).
 */
export interface InputContext {
  readonly project: Project;
  readonly state: VersionStore & SubjectKeyStore;
  readonly lake: Lake;
  readonly keyRing?: () => Promise<SubjectKeyRing>;
}

/** One version of an input partition, as the binding needs it. */
interface ReadVersion {
  readonly idx: number;
  readonly key: string;
  readonly id: string;
  readonly files: readonly VersionFile[];
  readonly schema: readonly Column[];
}

/**
 * Resolves the inputs of partition `idx` to the current versions of the
 * input partitions it maps to. Throws INPUT_NOT_READY (retryable) when a
 * derived input has a gap inside its data.
 *
 * @example
 * const { bindings, inputs } = await currentInputs(ctx, model, idx, key);
 */
export async function currentInputs(ctx: InputContext, model: DatasetModel, idx: number, key: string): Promise<PartitionInputs> {
  const bindings: InputBinding[] = [];
  const inputs: InputVersion[] = [];
  let inputSeq = 0;
  const privacy = streamPrivacyOf(ctx, model);
  for (const input of model.inputs) {
    const { stream, source } = sourceOf(ctx.project, model, input);
    const { from, to } = inputRange(model.partitioning, source.partitioning, input.mapping, idx);
    const versions = await ctx.state.currentVersions(input.source, from, to);
    if (!stream && source.partitioning.kind === 'time' && input.mapping.kind !== 'all') {
      // Derived inputs are dense: every mapped partition inside the input's data must exist.
      const present = new Set(versions.map((v) => v.idx));
      const missing = versions.length === 0 ? undefined : [...rangeOf(from, to)].find((i) => i >= (versions[0]?.idx ?? 0) && !present.has(i));
      if (missing !== undefined) {
        throw new PondError('INPUT_NOT_READY', `input ${input.source} has no current version for a mapped partition`, {
          where: `dataset "${model.name}" partition ${key}`,
        });
      }
    }
    for (const v of versions) inputSeq = Math.max(inputSeq, v.currentSeq);
    const read = versions.map((v) => ({ idx: v.idx, key: v.key, id: v.versionId, files: v.files, schema: v.schema }));
    inputs.push(...read.map((v) => ({ dataset: input.source, key: v.key, version: v.id })));
    bindings.push({ ...bindingOf(ctx.lake, input, stream, read), ...(stream ? await privacy(input, stream) : {}) });
  }
  return { bindings, inputs, inputSeq };
}

/**
 * Resolves the inputs of partition `idx` to exactly the versions `recorded`
 * lists (a version's `inputs`), whichever versions are current now. Throws
 * NOT_FOUND when one of them is no longer in the state store.
 *
 * @example
 * const version = await state.getVersion(partition.versionId);
 * const { bindings } = await recordedInputs(ctx, model, version.idx, version.key, version.inputs);
 */
export async function recordedInputs(
  ctx: InputContext,
  model: DatasetModel,
  idx: number,
  key: string,
  recorded: readonly InputVersion[],
): Promise<PartitionInputs> {
  const byId = new Map<string, ReadVersion & { dataset: string }>();
  for (const r of recorded) {
    if (byId.has(r.version)) continue;
    const v = await ctx.state.getVersion(r.version);
    if (!v) {
      throw new PondError('NOT_FOUND', `input version ${r.version} (${r.dataset} ${r.key}) it was built from is no longer in the state store`, {
        where: `dataset "${model.name}" partition ${key}`,
      });
    }
    byId.set(r.version, { dataset: v.dataset, idx: v.idx, key: v.key, id: v.id, files: v.files, schema: v.schema });
  }
  const bindings: InputBinding[] = [];
  const privacy = streamPrivacyOf(ctx, model);
  for (const input of model.inputs) {
    const { stream, source } = sourceOf(ctx.project, model, input);
    // Two inputs may read the same source over different ranges: the range tells which versions are whose.
    const { from, to } = inputRange(model.partitioning, source.partitioning, input.mapping, idx);
    const read = [...byId.values()].filter((v) => v.dataset === input.source && v.idx >= from && v.idx < to).sort((a, b) => a.idx - b.idx);
    bindings.push({ ...bindingOf(ctx.lake, input, stream, read), ...(stream ? await privacy(input, stream) : {}) });
  }
  return { bindings, inputs: recorded, inputSeq: 0 };
}

function sourceOf(project: Project, model: DatasetModel, input: ResolvedInput): { stream: StreamModel | undefined; source: StreamModel | DatasetModel } {
  const stream = project.streams.get(input.source);
  const source = stream ?? project.datasets.get(input.source);
  if (!source) throw new PondError('INTERNAL', `input ${input.source} of ${model.name} is not in the project`);
  return { stream, source };
}

function bindingOf(lake: Lake, input: ResolvedInput, stream: StreamModel | undefined, versions: readonly ReadVersion[]): InputBinding {
  return {
    alias: input.alias,
    files: versions.flatMap((v) => v.files.map((f) => lake.locate(f.path))),
    columns: stream ? stream.columns : (versions[versions.length - 1]?.schema ?? []),
    sameSchema: sameColumns(versions.flatMap((v) => v.files)),
  };
}

/**
 * How one build reads its stream inputs' personal data: rows of forgotten
 * subjects as the project's policy says (the list read once per build, and
 * only for a stream with personal data), and the inputs the dataset
 * decrypts (`decrypt`) decrypted under the key ring, opened once. The
 * forgotten rows are left out before anything is decrypted.
 */
function streamPrivacyOf(
  ctx: InputContext,
  model: DatasetModel,
): (input: ResolvedInput, stream: StreamModel) => Promise<Pick<InputBinding, 'forgotten' | 'decrypted'>> {
  let forgotten: Promise<readonly string[]> | undefined;
  let ring: Promise<SubjectKeyRing> | undefined;
  return async (input, stream) => {
    if (!protectsPersonalData(stream.pii)) return {};
    const rows = forgottenRowsOf(stream, await (forgotten ??= forgottenSubjects(ctx.state)));
    if (!model.decrypt.includes(input.alias)) return { forgotten: rows };
    if (!ctx.keyRing) {
      throw new PondError('INTERNAL', `dataset "${model.name}" decrypts input "${input.alias}" but this build was given no key ring`, {
        where: `dataset "${model.name}"`,
      });
    }
    ring ??= ctx.keyRing();
    return { forgotten: rows, decrypted: decryptedFields(stream, await ring) };
  };
}

/** Whether every file is known to have the same columns in the same order (then files can be read by position). */
export function sameColumns(files: readonly VersionFile[]): boolean {
  const first = files[0]?.columns;
  return first !== undefined && files.every((f) => f.columns === first);
}

function* rangeOf(from: number, to: number): Iterable<number> {
  for (let i = from; i < to; i++) yield i;
}
