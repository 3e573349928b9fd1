/**
 * Retention of superseded versions: for every stream, dead-letter dataset and
 * dataset with a version retention, asks the state store which versions it
 * lets go, deletes their rows (and logs them) in one transaction, then their
 * files. In that order a crash between the two leaves only files that no
 * version lists, which the orphan sweep removes; never a version whose files
 * are gone.
 */
import { formatDuration, type Partitioning } from '../partition/index.ts';
import { DEAD_LETTER_PARTITIONING } from '../land/index.ts';
import type { Project, RetentionPolicy } from '../config/index.ts';
import { manifestKey, type Lake } from '../lake/index.ts';
import { deleteKeys } from './delete-keys.ts';
import type { DeletedVersion, ExpiredVersion, GcStore } from '../state/index.ts';

/** One stream, dead-letter dataset or dataset, by its name in the state store, with its retention. */
export interface RetentionTarget {
  readonly dataset: string;
  readonly partitioning: Partitioning;
  readonly policy: RetentionPolicy;
}

/** What retention deleted (or would delete) of one dataset. */
export interface ExpiredReport {
  readonly dataset: string;
  readonly versions: readonly { readonly id: string; readonly key: string; readonly reason: string; readonly files: number; readonly bytes: number }[];
  /** Files deleted, manifests included. */
  readonly files: number;
  readonly bytes: number;
}

export interface ExpireOptions {
  /** The time retention is evaluated at (ms). */
  readonly now: number;
  readonly graceMs: number;
  readonly gcId: string;
  readonly dryRun?: boolean;
  /** Versions per transaction (default 1000). */
  readonly batch?: number;
  /** The first number the GC log's rows take; returns the next one too. */
  readonly firstN?: number;
}

/** Every stream (and its dead letters) and dataset of the project, with its retention. */
export function retentionTargets(project: Project): RetentionTarget[] {
  const targets: RetentionTarget[] = [];
  for (const s of project.streams.values()) {
    targets.push(
      { dataset: s.name, partitioning: s.partitioning, policy: s.retention },
      { dataset: s.deadLetter, partitioning: DEAD_LETTER_PARTITIONING, policy: s.retention },
    );
  }
  for (const name of project.order) {
    const d = project.datasets.get(name);
    if (d) targets.push({ dataset: d.name, partitioning: d.partitioning, policy: d.retention });
  }
  return targets;
}

function reasonOf(v: ExpiredVersion, policy: RetentionPolicy, now: number): string {
  const limits = [
    policy.versions.keep === null ? '' : `keep ${policy.versions.keep}`,
    policy.versions.forMs === null ? '' : `for ${formatDuration(policy.versions.forMs)}`,
  ]
    .filter(Boolean)
    .join(', ');
  const newer = v.state === 'committed' ? `${v.newer - 1} newer superseded` : `quarantined, ${v.newer - 1} newer quarantined besides the latest`;
  return `superseded ${new Date(v.supersededAt).toISOString()} (${formatDuration(Math.max(0, Math.round((now - v.supersededAt) / 60_000) * 60_000))} before), ${newer}; retention ${limits}`;
}

function deleteFiles(lake: Lake, deleted: readonly DeletedVersion[]): Promise<void> {
  return deleteKeys(
    lake,
    deleted.flatMap((d) => [...d.files, manifestKey(d.prefix)]),
  );
}

/**
 * Applies one dataset's version retention.
 *
 * @example
 * const report = await expireVersions(state, lake, { dataset: 'daily', policy }, { now: Date.now(), graceMs: 3_600_000, gcId });
 */
export async function expireVersions(state: GcStore, lake: Lake, target: RetentionTarget, options: ExpireOptions): Promise<ExpiredReport & { nextN: number }> {
  const { keep, forMs } = target.policy.versions;
  const rule = { dataset: target.dataset, keep, supersededBefore: forMs === null ? null : options.now - forMs, graceBefore: options.now - options.graceMs };
  const batch = options.batch ?? 1000;
  const versions: Array<ExpiredReport['versions'][number]> = [];
  let n = options.firstN ?? 0;
  let files = 0;
  let bytes = 0;
  for (;;) {
    // A dry run deletes nothing, so it reads everything at once; a real run reads again after each batch.
    const expired = await state.expiredVersions(options.dryRun ? rule : { ...rule, limit: batch });
    if (expired.length === 0) break;
    const reasons = new Map(expired.map((v) => [v.id, reasonOf(v, target.policy, options.now)]));
    const deleted: DeletedVersion[] = [];
    // A dry run asks about all of them at once, so that files shared by two of them count as deleted, as they will be.
    const step = options.dryRun ? expired.length : batch;
    for (let i = 0; i < expired.length; i += step) {
      const slice = expired.slice(i, i + step).map((v) => ({ id: v.id, reason: reasons.get(v.id) as string }));
      const done = await state.deleteVersions({
        dataset: target.dataset,
        versions: slice,
        gcId: options.gcId,
        firstN: n,
        at: Date.now(),
        dryRun: options.dryRun,
      });
      n += done.length;
      if (!options.dryRun) await deleteFiles(lake, done);
      deleted.push(...done);
    }
    for (const d of deleted) {
      versions.push({ id: d.id, key: d.key, reason: reasons.get(d.id) as string, files: d.files.length + 1, bytes: d.bytes });
      files += d.files.length + 1;
      bytes += d.bytes;
    }
    if (options.dryRun || expired.length < batch || deleted.length === 0) break;
  }
  return { dataset: target.dataset, versions, files, bytes, nextN: n };
}
