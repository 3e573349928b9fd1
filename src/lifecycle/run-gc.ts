/**
 * One garbage collection, as `pond gc` and `pond up` run it: the expiry of
 * whole partitions, the versions condemned by forgetting that no sink names
 * any more, the retention of superseded versions, then the sweep of
 * files that no version references
 * (what interrupted builds, and interrupted collections, leave behind). What
 * it deleted is recorded in the state store's GC log, per version and per
 * dataset of swept files. A dataset's expiring partitions are removed from
 * its sinks before they expire (sink-remover.ts); a sink that fails keeps
 * that dataset's partitions unexpired until a later collection, and the
 * others go on.
 */
import { randomBytes } from 'node:crypto';
import type { Project } from '../config/index.ts';
import { sweepOrphans, type Lake } from '../lake/index.ts';
import type { ExpiredPartition, GcLogEntry, GcStore, VersionStore, ForgetStore } from '../state/index.ts';
import { deleteCondemned } from './delete-condemned.ts';
import { expirePartitions, type ExpiredPartitionsReport } from './expire-partitions.ts';
import { expireVersions, retentionTargets, type ExpiredReport } from './expire-versions.ts';
import { SinkRemover, type OpenSink, type SinkRemoval } from './sink-remover.ts';

export interface GcDeps {
  readonly project: Project;
  readonly state: GcStore & VersionStore & ForgetStore;
  readonly lake: Lake;
  /** Makes the sink for a model; default `openSink` (tests swap in failing ones). */
  readonly openSink?: OpenSink;
}

export interface GcRunOptions {
  /** The time retention and the grace period are measured from (ms). Default: now. */
  readonly now?: number;
  /** Default: `gc.grace` in pond.config.ts. */
  readonly graceMs?: number;
  readonly dryRun?: boolean;
}

/** What one collection deleted of one dataset (raw streams, dead letters and datasets alike). */
export interface DatasetGcSummary {
  readonly dataset: string;
  /** Partitions expired, whole (their files are counted in `files` and `bytes`). */
  readonly partitions: number;
  /** Superseded versions deleted, with their files (manifests included) and bytes. */
  readonly versions: number;
  readonly files: number;
  readonly bytes: number;
  /** Files that no version referenced. */
  readonly orphanFiles: number;
  readonly orphanBytes: number;
}

export interface GcSummary {
  readonly gcId: string;
  readonly dryRun: boolean;
  /** When retention was evaluated (ISO). */
  readonly asOf: string;
  readonly graceMs: number;
  /** Datasets where something was (or would be) deleted. */
  readonly datasets: readonly DatasetGcSummary[];
  /** Each partition expired. */
  readonly partitions: readonly (ExpiredPartitionsReport['partitions'][number] & { readonly dataset: string; readonly before: string | null })[];
  /** Each version deleted, and why. */
  readonly versions: readonly (ExpiredReport['versions'][number] & { readonly dataset: string })[];
  readonly orphans: { readonly scanned: number; readonly files: number; readonly bytes: number; readonly keys: readonly string[] };
  /** Per sink of a dataset with expiring partitions: which were removed from it (a dry run: would be), or why not. */
  readonly sinks: readonly SinkRemoval[];
  readonly totals: {
    readonly partitions: number;
    readonly versions: number;
    readonly files: number;
    readonly bytes: number;
    /** Partitions removed from sinks, counted once per sink. */
    readonly sinkRemovals: number;
    /** Sinks that failed: their datasets' partitions were left for the next collection. */
    readonly sinkErrors: number;
  };
}

/** The stream or dataset a lake key belongs to, by its state-store name. */
export function datasetOfKey(key: string): string {
  const [area, name] = key.split('/');
  if (name === undefined) return '(staging)';
  if (area === 'raw' || area === 'datasets') return name;
  if (area === 'dead-letter') return `dead-letter/${name}`;
  return '(staging)';
}

export function newGcId(at: number): string {
  return `gc-${new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Runs one collection.
 *
 * @example
 * const summary = await runGc({ project, state, lake }, { dryRun: true });
 * for (const d of summary.datasets) console.log(d.dataset, d.versions, d.files, d.bytes);
 */
export async function runGc(deps: GcDeps, options: GcRunOptions = {}): Promise<GcSummary> {
  const now = options.now ?? Date.now();
  const graceMs = options.graceMs ?? deps.project.gc.graceMs;
  const dryRun = options.dryRun ?? false;
  const gcId = newGcId(Date.now());
  const byDataset = new Map<string, { partitions: number; versions: number; files: number; bytes: number; orphanFiles: number; orphanBytes: number }>();
  const entry = (dataset: string) => {
    let e = byDataset.get(dataset);
    if (!e) byDataset.set(dataset, (e = { partitions: 0, versions: 0, files: 0, bytes: 0, orphanFiles: 0, orphanBytes: 0 }));
    return e;
  };
  const partitions: Array<GcSummary['partitions'][number]> = [];
  const versions: Array<GcSummary['versions'][number]> = [];
  let n = 0;
  const targets = retentionTargets(deps.project);
  // Whole partitions first: their versions need no version retention after.
  const sinks = new SinkRemover(deps.openSink);
  try {
    for (const target of targets) {
      if (target.policy.partitionsMs === null) continue;
      const model = deps.project.datasets.get(target.dataset);
      const withSinks = model !== undefined && model.sinks.length > 0 ? model : undefined;
      const beforeExpire = withSinks && ((expiring: readonly ExpiredPartition[]) => sinks.remove(withSinks, expiring));
      const report = await expirePartitions(
        deps.state,
        deps.lake,
        { dataset: target.dataset, partitioning: target.partitioning, partitionsMs: target.policy.partitionsMs },
        { now, gcId, dryRun, firstN: n, beforeExpire },
      );
      n = report.nextN;
      if (dryRun && withSinks)
        sinks.plan(
          withSinks,
          report.partitions.map((p) => p.key),
        );
      if (report.partitions.length === 0) continue;
      const e = entry(target.dataset);
      e.partitions += report.partitions.length;
      e.files += report.files;
      e.bytes += report.bytes;
      for (const p of report.partitions) partitions.push({ ...p, dataset: target.dataset, before: report.before });
    }
  } finally {
    await sinks.close();
  }
  const removals = sinks.removals();
  // Versions that held a forgotten subject go whatever the retention, once no sink names them.
  const condemned = await deleteCondemned(deps.state, deps.lake, { gcId, firstN: n, at: Date.now(), dryRun });
  n = condemned.nextN;
  for (const d of condemned.deleted) {
    const e = entry(d.dataset);
    e.versions++;
    e.files += d.files.length + 1;
    e.bytes += d.bytes;
    versions.push({ id: d.id, key: d.key, reason: d.reason, files: d.files.length + 1, bytes: d.bytes, dataset: d.dataset });
  }
  for (const target of targets) {
    const report = await expireVersions(deps.state, deps.lake, target, { now, graceMs, gcId, dryRun, firstN: n });
    n = report.nextN;
    if (report.versions.length === 0) continue;
    const e = entry(target.dataset);
    e.versions += report.versions.length;
    e.files += report.files;
    e.bytes += report.bytes;
    for (const v of report.versions) versions.push({ ...v, dataset: target.dataset });
  }
  // After the versions: their files are unreferenced now, whether or not the deletes above finished.
  const swept = await sweepOrphans(deps.lake, { knownPrefixes: await deps.state.versionPrefixes(), keepNewerThan: now - graceMs, dryRun });
  for (const o of swept.objects) {
    const e = entry(datasetOfKey(o.key));
    e.orphanFiles++;
    e.orphanBytes += o.bytes;
  }
  const datasets = [...byDataset].map(([dataset, e]) => ({ dataset, ...e }));
  if (!dryRun) {
    const at = Date.now();
    const log: GcLogEntry[] = datasets
      .filter((d) => d.orphanFiles > 0)
      .map((d, i) => ({
        gcId,
        n: n + i,
        at,
        kind: 'orphans',
        dataset: d.dataset,
        idx: null,
        key: null,
        versionId: null,
        reason: 'files that no version references',
        files: d.orphanFiles,
        bytes: d.orphanBytes,
      }));
    await deps.state.appendGcLog(log);
  }
  return {
    gcId,
    dryRun,
    asOf: new Date(now).toISOString(),
    graceMs,
    datasets,
    partitions,
    versions,
    orphans: { scanned: swept.scannedObjects, files: swept.deletedObjects, bytes: swept.deletedBytes, keys: swept.deleted },
    sinks: removals,
    totals: {
      partitions: partitions.length,
      versions: versions.length,
      files: datasets.reduce((s, d) => s + d.files + d.orphanFiles, 0),
      bytes: datasets.reduce((s, d) => s + d.bytes + d.orphanBytes, 0),
      sinkRemovals: removals.reduce((s, r) => s + r.partitions.length, 0),
      sinkErrors: removals.filter((r) => r.error !== undefined).length,
    },
  };
}
