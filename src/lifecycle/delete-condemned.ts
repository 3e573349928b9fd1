/**
 * Deletes condemned versions — those that held a forgotten subject (see
 * state/condemned-versions.ts) — whatever the retention: the state first, in
 * one logged transaction per dataset, then the files, as the GC does. A
 * version a sink still names (or that is current again) is spared by the
 * state store and stays condemned until a later collection.
 */
import { manifestKey, type Lake } from '../lake/index.ts';
import type { DeletedVersion, ForgetStore, GcStore } from '../state/index.ts';
import { deleteKeys } from './delete-keys.ts';

export interface DeleteCondemnedOptions {
  /** Only the versions condemned by this request (default: all). */
  readonly requestId?: string;
  readonly gcId: string;
  /** The first number the GC log's rows take. */
  readonly firstN: number;
  readonly at: number;
  readonly dryRun?: boolean;
}

/** What was deleted (a dry run: would be), with the reason logged for each; and the next GC log number. */
export async function deleteCondemned(
  state: ForgetStore & GcStore,
  lake: Lake,
  options: DeleteCondemnedOptions,
): Promise<{ deleted: (DeletedVersion & { reason: string })[]; nextN: number }> {
  const condemned = await state.condemnedVersions(options.requestId === undefined ? {} : { requestId: options.requestId });
  const byDataset = new Map<string, { id: string; reason: string }[]>();
  for (const c of condemned) {
    const list = byDataset.get(c.dataset) ?? [];
    list.push({ id: c.versionId, reason: `held a forgotten data subject (request ${c.requestId})` });
    byDataset.set(c.dataset, list);
  }
  const out: (DeletedVersion & { reason: string })[] = [];
  let n = options.firstN;
  for (const [dataset, versions] of byDataset) {
    const deleted = await state.deleteVersions({ dataset, versions, gcId: options.gcId, firstN: n, at: options.at, dryRun: options.dryRun });
    n += deleted.length;
    if (!options.dryRun)
      await deleteKeys(
        lake,
        deleted.flatMap((d) => [...d.files, manifestKey(d.prefix)]),
      );
    const reasons = new Map(versions.map((v) => [v.id, v.reason]));
    out.push(...deleted.map((d) => ({ ...d, reason: reasons.get(d.id) as string })));
  }
  return { deleted: out, nextN: n };
}
