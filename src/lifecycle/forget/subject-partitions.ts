/**
 * Where forgotten subjects' data is: the raw partitions whose current
 * version has a row naming one of them (an identifier column holding its
 * pseudonym), found by reading only the identifier columns of the raw files
 * with DuckDB, a few hundred files per query; then every derived partition
 * that read one of those, directly or through other datasets, by the same
 * input mapping the planner uses. Reading the raw files costs one scan of
 * the identifier columns of each stream with personal data: forgetting is
 * rare, and the lake keeps no index by subject.
 */
import { protectsPersonalData, type Project } from '../../config/index.ts';
import type { Lake } from '../../lake/index.ts';
import { inputRange } from '../../orchestrate/index.ts';
import { quoteIdent, sqlList, sqlString, type Engine } from '../../compute/index.ts';
import { ALL_WINDOWS } from '../../model/index.ts';
import type { ForgetPartition, VersionStore, SubjectKeyStore } from '../../state/index.ts';

const FILES_PER_QUERY = 500;

export interface SubjectPartitions {
  /** Raw partitions (window numbers) per stream that hold one of the subjects. */
  readonly raw: { readonly dataset: string; readonly idxs: number[] }[];
  /** Current derived partitions built from them, in build order. */
  readonly derived: ForgetPartition[];
}

export interface FindDeps {
  readonly project: Project;
  readonly state: VersionStore & SubjectKeyStore;
  readonly lake: Lake;
  readonly engine: Engine;
}

/**
 * @example
 * const { raw, derived } = await subjectPartitions(deps, ['ps_Vb8x…']);
 */
export async function subjectPartitions(deps: FindDeps, pseudonyms: readonly string[]): Promise<SubjectPartitions> {
  const raw: SubjectPartitions['raw'] = [];
  const touched = new Map<string, Set<number>>();
  for (const stream of deps.project.streams.values()) {
    if (!protectsPersonalData(stream.pii) || pseudonyms.length === 0) continue;
    const idxs = await rawPartitionsNaming(deps, stream.name, stream.pii.identifiers, pseudonyms);
    if (idxs.length === 0) continue;
    raw.push({ dataset: stream.name, idxs });
    touched.set(stream.name, new Set(idxs));
  }
  const derived: ForgetPartition[] = [];
  for (const name of deps.project.order) {
    const model = deps.project.datasets.get(name);
    if (!model) continue;
    const inputs = model.inputs.filter((input) => touched.has(input.source));
    if (inputs.length === 0) continue;
    const mine = new Set<number>();
    for (const v of await deps.state.currentVersions(name, ALL_WINDOWS.from, ALL_WINDOWS.to)) {
      const reads = inputs.some((input) => {
        const source = deps.project.streams.get(input.source) ?? deps.project.datasets.get(input.source);
        if (!source) return false;
        const { from, to } = inputRange(model.partitioning, source.partitioning, input.mapping, v.idx);
        for (const i of touched.get(input.source) as Set<number>) if (i >= from && i < to) return true;
        return false;
      });
      if (!reads) continue;
      mine.add(v.idx);
      derived.push({ dataset: name, idx: v.idx, key: v.key, versionId: v.versionId });
    }
    if (mine.size > 0) touched.set(name, mine);
  }
  return { raw, derived };
}

async function rawPartitionsNaming(deps: FindDeps, stream: string, identifiers: readonly string[], pseudonyms: readonly string[]): Promise<number[]> {
  const versions = await deps.state.currentVersions(stream, ALL_WINDOWS.from, ALL_WINDOWS.to);
  const idxOf = new Map<string, number>();
  for (const v of versions) for (const f of v.files) idxOf.set(deps.lake.locate(f.path), v.idx);
  const files = [...idxOf.keys()];
  const list = `(${pseudonyms.map(sqlString).join(', ')})`;
  const names = identifiers.map((c) => `${quoteIdent(c)} in ${list}`).join(' or ');
  const found = new Set<number>();
  const session = await deps.engine.acquire();
  try {
    for (let i = 0; i < files.length; i += FILES_PER_QUERY) {
      const chunk = files.slice(i, i + FILES_PER_QUERY);
      const rows = await session.rows(
        `select distinct filename from read_parquet(${sqlList(chunk)}, filename = true, union_by_name = true, hive_partitioning = false) where ${names}`,
      );
      for (const r of rows) {
        const idx = idxOf.get(String(r.filename));
        if (idx !== undefined) found.add(idx);
      }
    }
  } finally {
    await deps.engine.release(session);
  }
  return [...found].sort((a, b) => a - b);
}
