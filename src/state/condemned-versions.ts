/**
 * Versions condemned by forgetting (see migration 010): every version of a
 * partition that held a forgotten subject, except the current one (rebuilt
 * without the subject), must go whatever the dataset's retention says. They
 * are deleted when the request completes; one that a sink still names waits
 * in `condemned_versions` until the sink moved on, and `pond gc` deletes it
 * then (`deleteVersionsIn` forgets the row with the version).
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { CondemnedVersion } from './roles/index.ts';

/** Condemns every version of these partitions but the current one; returns how many versions are condemned now. */
export async function condemnVersionsIn(
  trx: Kysely<Database>,
  requestId: string,
  partitions: readonly { readonly dataset: string; readonly idx: number }[],
  at: number,
): Promise<number> {
  for (const { dataset, idx } of partitions) {
    const current =
      (await trx.selectFrom('partitions').select('version_id').where('dataset', '=', dataset).where('idx', '=', idx).executeTakeFirst())?.version_id ?? null;
    let query = trx.selectFrom('versions').select('id').where('dataset', '=', dataset).where('idx', '=', idx);
    if (current !== null) query = query.where('id', '<>', current);
    const ids = (await query.execute()).map((r) => r.id);
    if (ids.length === 0) continue;
    await trx
      .insertInto('condemned_versions')
      .values(ids.map((id) => ({ dataset, version_id: id, request_id: requestId, at })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const row = await trx
    .selectFrom('condemned_versions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function condemnedVersions(db: Kysely<Database>, filter: { requestId?: string } = {}): Promise<CondemnedVersion[]> {
  let query = db.selectFrom('condemned_versions').selectAll().orderBy('dataset').orderBy('version_id');
  if (filter.requestId !== undefined) query = query.where('request_id', '=', filter.requestId);
  return (await query.execute()).map((r) => ({ dataset: r.dataset, versionId: r.version_id, requestId: r.request_id, at: Number(r.at) }));
}
