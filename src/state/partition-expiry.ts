/**
 * Expiry of whole partitions over Kysely: every version of each partition
 * before a window (committed, quarantined, current included) goes, with its
 * check results and sink state, and the partition row stays behind as a
 * tombstone (`status = 'expired'`, no version) with a fresh change_seq, so
 * that the partition cache of every process sees the change in its next
 * delta read. One transaction; the caller deletes the files afterwards, as
 * with superseded versions (state first, files second).
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { chunks } from './rows.ts';
import type { ExpiredPartition, ExpirePartitionsRequest, GcLogEntry } from './roles/index.ts';
import type { VersionFile } from '../model/index.ts';
import { appendGcLogIn } from './version-retention.ts';

/** Runs inside the caller's write transaction; `takeSeq` gives the transaction's next sequence number. */
export async function expirePartitionsIn(
  trx: Kysely<Database>,
  request: ExpirePartitionsRequest,
  maxParams: number,
  takeSeq: () => Promise<number>,
): Promise<ExpiredPartition[]> {
  const { dataset } = request;
  let query = trx
    .selectFrom('partitions')
    .select(['idx', 'key'])
    .where('dataset', '=', dataset)
    .where('idx', '<', request.beforeIdx)
    .where('status', '<>', 'expired')
    .orderBy('idx');
  if (request.limit !== undefined) query = query.limit(request.limit);
  const partitions = await query.execute();
  if (partitions.length === 0) return [];
  type Gathering = { -readonly [K in keyof ExpiredPartition]: ExpiredPartition[K] } & { files: string[]; prefixes: string[] };
  const byIdx = new Map<number, Gathering>(
    partitions.map((p) => [Number(p.idx), { dataset, idx: Number(p.idx), key: p.key, versions: 0, files: [], prefixes: [], bytes: 0 }]),
  );
  const idxs = [...byIdx.keys()];
  const versionIds: string[] = [];
  for (const chunk of chunks(idxs, 1, maxParams - 1)) {
    const versions = await trx
      .selectFrom('versions')
      .select(['id', 'idx', 'prefix', 'files_json'])
      .where('dataset', '=', dataset)
      .where('idx', 'in', chunk)
      .execute();
    for (const v of versions) {
      const entry = byIdx.get(Number(v.idx));
      if (!entry) continue;
      versionIds.push(v.id);
      entry.versions++;
      entry.prefixes.push(v.prefix);
      // Raw versions list files of earlier versions of the same partition: count each file once.
      for (const f of JSON.parse(v.files_json) as VersionFile[]) {
        if (entry.files.includes(f.path)) continue;
        entry.files.push(f.path);
        entry.bytes += f.bytes;
      }
    }
  }
  const expired = [...byIdx.values()];
  if (request.dryRun) return expired;
  for (const chunk of chunks(versionIds, 1, maxParams - 1)) {
    await trx.deleteFrom('check_results').where('version_id', 'in', chunk).execute();
    await trx.deleteFrom('versions').where('dataset', '=', dataset).where('id', 'in', chunk).execute();
  }
  const seq = await takeSeq();
  for (const chunk of chunks(idxs, 1, maxParams - 4)) {
    await trx.deleteFrom('sink_state').where('dataset', '=', dataset).where('idx', 'in', chunk).execute();
    await trx
      .updateTable('partitions')
      .set({
        version_id: null,
        current_seq: 0,
        input_seq: 0,
        code_fingerprint: null,
        code_ref: null,
        status: 'expired',
        error: null,
        updated_at: request.at,
        change_seq: seq,
      })
      .where('dataset', '=', dataset)
      .where('idx', 'in', chunk)
      .execute();
  }
  const log: GcLogEntry[] = expired.map((p, i) => ({
    gcId: request.gcId,
    n: request.firstN + i,
    at: request.at,
    kind: 'partition',
    dataset,
    idx: p.idx,
    key: p.key,
    versionId: null,
    reason: request.reason,
    // Manifests count as files.
    files: p.files.length + p.prefixes.length,
    bytes: p.bytes,
  }));
  await appendGcLogIn(trx, log, maxParams);
  return expired;
}
