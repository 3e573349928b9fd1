/**
 * Runs the checks of a dataset on a version it just built, or of a stream on
 * a raw version a landing batch made, before the version becomes current.
 * The caller commits the version when no `error` check fails, and
 * quarantines it otherwise (Executor.runTask, landBatches).
 */
import type { DatasetModel, StreamModel } from '../config/index.ts';
import { windowBounds } from '../partition/index.ts';
import type { Lake } from '../lake/index.ts';
import { evaluateChecks, type CheckOutcome } from './evaluate-checks.ts';
import { ALL_WINDOWS } from '../model/index.ts';
import type { NewVersion, VersionStore } from '../state/index.ts';
import type { Engine } from '../compute/index.ts';

export interface CheckVersionContext {
  readonly state: VersionStore;
  readonly lake: Lake;
  readonly engine: Engine;
}

/** Checks `version` of `model` (a dataset, or a stream's raw version); `now` is the time results are recorded at. */
export async function checkVersion(ctx: CheckVersionContext, model: DatasetModel | StreamModel, version: NewVersion, now = Date.now()): Promise<CheckOutcome> {
  // Only a dataset's columns can change from one version to the next (a raw version has its stream's).
  const [previous] = model.kind === 'dataset' ? await ctx.state.currentVersions(model.name, version.idx, version.idx + 1) : [];
  const previousColumns = previous && previous.versionId !== version.id ? previous.schema : undefined;
  if (model.checks.length === 0 && previousColumns === undefined) return { results: [], blocking: [] };
  const bounds = windowBounds(model.partitioning, version.idx);
  const session = await ctx.engine.acquire();
  try {
    return await evaluateChecks(
      {
        session,
        now,
        async history(count) {
          if (model.partitioning.kind === 'none') {
            const earlier = await ctx.state.listVersions(model.name, { idx: version.idx, limit: count + 1 });
            return earlier
              .filter((v) => v.state === 'committed' && v.id !== version.id)
              .slice(0, count)
              .map((v) => v.rows)
              .reverse();
          }
          const earlier = await ctx.state.currentVersions(model.name, version.idx - count, version.idx);
          return earlier.map((v) => v.rows);
        },
        async relation(name) {
          const versions = await ctx.state.currentVersions(name, ALL_WINDOWS.from, ALL_WINDOWS.to);
          return { files: versions.flatMap((v) => v.files.map((f) => ctx.lake.locate(f.path))), columns: versions[versions.length - 1]?.schema ?? [] };
        },
      },
      {
        name: model.name,
        idx: version.idx,
        key: version.key,
        versionId: version.id,
        files: version.files.map((f) => ctx.lake.locate(f.path)),
        columns: version.schema,
        rows: version.rows,
        window: { key: version.key, start: Number.isFinite(bounds.start) ? bounds.start : null, end: Number.isFinite(bounds.end) ? bounds.end : null },
        previousColumns,
        keyColumns: model.key,
        runId: version.runId,
      },
      model.checks,
    );
  } finally {
    await ctx.engine.release(session);
  }
}

/** One line for a failed check, for run logs and partition errors. */
export function describeFailure(r: CheckOutcome['results'][number]): string {
  if (r.status === 'error') return `check ${r.check} could not run: ${r.message ?? ''}`;
  return `check ${r.check} failed: ${r.observed ?? '?'} (expected ${r.threshold ?? '?'})`;
}
