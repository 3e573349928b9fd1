/**
 * Expiry of whole partitions (`retention.partitions`): every partition of a
 * stream, dead-letter dataset or dataset whose window ended before now minus
 * its retention loses every version and file. State first (one transaction
 * per batch, logged), files second: a crash in between leaves only files that
 * no version lists, which the orphan sweep removes. The planner stops wanting
 * those windows at the same horizon, so they are never built again. For a
 * dataset with sinks, each batch is removed from the sinks first
 * (`beforeExpire`, see sink-remover.ts).
 */
import { formatDuration, retentionHorizon, type Partitioning } from '../partition/index.ts';
import { manifestKey, type Lake } from '../lake/index.ts';
import { deleteKeys } from './delete-keys.ts';
import type { ExpiredPartition, GcStore } from '../state/index.ts';

export interface PartitionExpiryTarget {
  readonly dataset: string;
  readonly partitioning: Partitioning;
  /** How long a partition is kept after its window ended. */
  readonly partitionsMs: number;
}

export interface ExpiredPartitionsReport {
  readonly dataset: string;
  readonly partitions: readonly { readonly key: string; readonly versions: number; readonly files: number; readonly bytes: number }[];
  /** Files deleted, manifests included. */
  readonly files: number;
  readonly bytes: number;
  /** Partitions whose window ended before this time expired (ISO). */
  readonly before: string | null;
}

export interface ExpirePartitionsOptions {
  readonly now: number;
  readonly gcId: string;
  readonly dryRun?: boolean;
  /** Partitions per transaction (default 500). */
  readonly batch?: number;
  readonly firstN?: number;
  /**
   * Called with each batch before it expires (not in a dry run), to remove it
   * from the dataset's sinks; when it answers false, that batch and the rest
   * stay for the next collection. A partition that appeared in between and
   * expired with the batch is passed to it afterwards.
   */
  readonly beforeExpire?: (partitions: readonly ExpiredPartition[]) => Promise<boolean>;
}

function deleteFiles(lake: Lake, expired: readonly ExpiredPartition[]): Promise<void> {
  return deleteKeys(
    lake,
    expired.flatMap((p) => [...p.files, ...p.prefixes.map(manifestKey)]),
  );
}

/**
 * Expires one dataset's partitions that ended before `now - partitionsMs`.
 *
 * @example
 * await expirePartitions(state, lake, { dataset: 'events', partitioning, partitionsMs: 395 * 86_400_000 }, { now: Date.now(), gcId });
 */
export async function expirePartitions(
  state: GcStore,
  lake: Lake,
  target: PartitionExpiryTarget,
  options: ExpirePartitionsOptions,
): Promise<ExpiredPartitionsReport & { nextN: number }> {
  const p = target.partitioning;
  let n = options.firstN ?? 0;
  if (p.kind === 'none') return { dataset: target.dataset, partitions: [], files: 0, bytes: 0, before: null, nextN: n };
  // Windows before the one holding the cutoff ended at or before it.
  const beforeIdx = retentionHorizon(p, target.partitionsMs, options.now);
  const before = new Date(p.grain.start(beforeIdx)).toISOString();
  const reason = `its window ended before ${before}; retention partitions ${formatDuration(target.partitionsMs)}`;
  const batch = options.batch ?? 500;
  const partitions: Array<ExpiredPartitionsReport['partitions'][number]> = [];
  let files = 0;
  let bytes = 0;
  for (;;) {
    // A dry run deletes nothing, so it asks once for all of them.
    const request = {
      dataset: target.dataset,
      beforeIdx,
      reason,
      gcId: options.gcId,
      firstN: n,
      at: Date.now(),
      dryRun: options.dryRun,
      limit: options.dryRun ? undefined : batch,
    };
    let removed: ReadonlySet<number> | undefined;
    if (options.beforeExpire && !options.dryRun) {
      // Out of the sinks first; then only up to the last partition removed expires.
      const next = await state.expirePartitions({ ...request, dryRun: true });
      if (next.length === 0 || !(await options.beforeExpire(next))) break;
      removed = new Set(next.map((e) => e.idx));
      request.beforeIdx = (next[next.length - 1] as ExpiredPartition).idx + 1;
      request.at = Date.now();
    }
    const expired = await state.expirePartitions(request);
    n += expired.length;
    if (!options.dryRun) await deleteFiles(lake, expired);
    // Built in between (a build that was under way): out of the sinks now, late rather than never.
    const unremoved = removed ? expired.filter((e) => !removed.has(e.idx)) : [];
    if (unremoved.length > 0) await options.beforeExpire?.(unremoved);
    for (const e of expired) {
      const count = e.files.length + e.prefixes.length;
      partitions.push({ key: e.key, versions: e.versions, files: count, bytes: e.bytes });
      files += count;
      bytes += e.bytes;
    }
    if (options.dryRun || expired.length < batch) break;
  }
  return { dataset: target.dataset, partitions, files, bytes, before, nextN: n };
}
