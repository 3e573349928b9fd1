/**
 * Retention of superseded versions over Kysely (see migration 007): the query
 * that finds the versions a dataset's retention lets go, and the transaction
 * that deletes them and logs it. Deciding the limits is src/lifecycle's work;
 * deleting files is the caller's, after the transaction (the lake's commit
 * rule read backwards: state first, files second).
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Database, GcLogTable } from './database.ts';
import { chunks } from './rows.ts';
import type { DeletedVersion, DeleteVersionsRequest, ExpiredVersion, ExpiryRule, GcLogEntry } from './roles/index.ts';
import type { VersionFile } from '../model/index.ts';

interface ExpiredRow {
  id: string;
  idx: number;
  key: string;
  state: string;
  prefix: string;
  files_json: string;
  bytes: number;
  superseded_at: number;
  newer: number;
}

/**
 * One pass over the dataset's versions with window functions (SQLite ≥ 3.25
 * and PostgreSQL alike): `lead` gives the time each version was superseded,
 * `row_number` how many newer versions of the same state its partition has.
 * The current version is the newest committed one (newer = 0), and the latest
 * quarantined one has newer = 0 too: `newer > keep` with keep ≥ 0 spares both.
 */
export async function expiredVersions(db: Kysely<Database>, rule: ExpiryRule): Promise<ExpiredVersion[]> {
  if (rule.keep === null && rule.supersededBefore === null) return [];
  const keep = rule.keep ?? 0;
  const before = Math.min(rule.supersededBefore ?? rule.graceBefore, rule.graceBefore);
  const limit = rule.limit === undefined ? sql`` : sql`limit ${rule.limit}`;
  const result = await sql<ExpiredRow>`
    select c.id, c.idx, c.key, c.state, c.prefix, c.files_json, c.bytes, c.superseded_at, c.newer from (
      select v.id, v.idx, v.key, v.state, v.prefix, v.files_json, v.bytes,
        case when v.state = 'committed'
          then lead(v.created_at) over (partition by v.idx, v.state order by v.seq)
          else lead(v.created_at) over (partition by v.idx order by v.seq) end as superseded_at,
        row_number() over (partition by v.idx, v.state order by v.seq desc) - 1 as newer
      from versions v where v.dataset = ${rule.dataset}
    ) c
    where c.newer > ${keep} and c.superseded_at <= ${before}
      and not exists (select 1 from partitions p where p.dataset = ${rule.dataset} and p.idx = c.idx and p.version_id = c.id)
      and not exists (select 1 from sink_state s where s.dataset = ${rule.dataset} and s.idx = c.idx and (s.version_id = c.id or s.attempted_version = c.id))
    order by c.idx, c.superseded_at
    ${limit}`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    dataset: rule.dataset,
    idx: Number(r.idx),
    key: r.key,
    state: r.state as ExpiredVersion['state'],
    prefix: r.prefix,
    files: JSON.parse(r.files_json) as VersionFile[],
    bytes: Number(r.bytes),
    supersededAt: Number(r.superseded_at),
    newer: Number(r.newer),
  }));
}

/** Runs inside the caller's write transaction; see `StateStore.deleteVersions`. */
export async function deleteVersionsIn(trx: Kysely<Database>, request: DeleteVersionsRequest, maxParams: number): Promise<DeletedVersion[]> {
  const { dataset } = request;
  const reasons = new Map(request.versions.map((v) => [v.id, v.reason]));
  const ids = [...reasons.keys()];
  // Read again inside the transaction: what became current or was published since the query stays.
  const spared = new Set<string>();
  const rows: Array<{ id: string; idx: number; key: string; prefix: string; files_json: string }> = [];
  for (const chunk of chunks(ids, 1, maxParams - 1)) {
    rows.push(
      ...(await trx
        .selectFrom('versions')
        .select(['id', 'idx', 'key', 'prefix', 'files_json'])
        .where('dataset', '=', dataset)
        .where('id', 'in', chunk)
        .execute()),
    );
    for (const p of await trx.selectFrom('partitions').select('version_id').where('dataset', '=', dataset).where('version_id', 'in', chunk).execute())
      spared.add(p.version_id as string);
    const named = await trx
      .selectFrom('sink_state')
      .select(['version_id', 'attempted_version'])
      .where('dataset', '=', dataset)
      .where((eb) => eb.or([eb('version_id', 'in', chunk), eb('attempted_version', 'in', chunk)]))
      .execute();
    for (const s of named) for (const id of [s.version_id, s.attempted_version]) if (id !== null) spared.add(id);
  }
  const doomed = rows.filter((r) => !spared.has(r.id)).sort((a, b) => Number(a.idx) - Number(b.idx));
  if (doomed.length === 0) return [];
  const doomedIds = new Set(doomed.map((r) => r.id));

  // Raw versions list files of earlier versions: a file goes only when no remaining version of its partition lists it.
  const kept = new Set<string>();
  const idxs = [...new Set(doomed.map((r) => Number(r.idx)))];
  for (const chunk of chunks(idxs, 1, maxParams - 1)) {
    const others = await trx.selectFrom('versions').select(['id', 'files_json']).where('dataset', '=', dataset).where('idx', 'in', chunk).execute();
    for (const o of others) if (!doomedIds.has(o.id)) for (const f of JSON.parse(o.files_json) as VersionFile[]) kept.add(f.path);
  }

  const deleted: DeletedVersion[] = doomed.map((r) => {
    // Claimed by the first doomed version that lists it, so that no file is counted twice.
    const files = (JSON.parse(r.files_json) as VersionFile[]).filter((f) => !kept.has(f.path));
    for (const f of files) kept.add(f.path);
    return {
      id: r.id,
      dataset,
      idx: Number(r.idx),
      key: r.key,
      prefix: r.prefix,
      files: files.map((f) => f.path),
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    };
  });
  if (request.dryRun) return deleted;
  for (const chunk of chunks([...doomedIds], 1, maxParams - 1)) {
    await trx.deleteFrom('check_results').where('version_id', 'in', chunk).execute();
    await trx.deleteFrom('condemned_versions').where('dataset', '=', dataset).where('version_id', 'in', chunk).execute();
    await trx.deleteFrom('versions').where('dataset', '=', dataset).where('id', 'in', chunk).execute();
  }
  const log: GcLogEntry[] = deleted.map((d, i) => ({
    gcId: request.gcId,
    n: request.firstN + i,
    at: request.at,
    kind: 'version',
    dataset,
    idx: d.idx,
    key: d.key,
    versionId: d.id,
    reason: reasons.get(d.id) ?? 'superseded',
    // Its manifest counts as one of its files.
    files: d.files.length + 1,
    bytes: d.bytes,
  }));
  await appendGcLogIn(trx, log, maxParams);
  return deleted;
}

const LOG_COLUMNS = 11;

export async function appendGcLogIn(db: Kysely<Database>, entries: readonly GcLogEntry[], maxParams: number): Promise<void> {
  for (const chunk of chunks(entries, LOG_COLUMNS, maxParams)) {
    await db
      .insertInto('gc_log')
      .values(
        chunk.map((e) => ({
          gc_id: e.gcId,
          n: e.n,
          at: e.at,
          kind: e.kind,
          dataset: e.dataset,
          idx: e.idx,
          key: e.key,
          version_id: e.versionId,
          reason: e.reason,
          files: e.files,
          bytes: e.bytes,
        })),
      )
      .execute();
  }
}

function toEntry(r: Selectable<GcLogTable>): GcLogEntry {
  return {
    gcId: r.gc_id,
    n: Number(r.n),
    at: Number(r.at),
    kind: r.kind as GcLogEntry['kind'],
    dataset: r.dataset,
    idx: r.idx === null ? null : Number(r.idx),
    key: r.key,
    versionId: r.version_id,
    reason: r.reason,
    files: Number(r.files),
    bytes: Number(r.bytes),
  };
}

export async function gcLog(db: Kysely<Database>, filter: { gcId?: string; dataset?: string; limit?: number }): Promise<GcLogEntry[]> {
  let query = db.selectFrom('gc_log').selectAll();
  if (filter.gcId !== undefined) query = query.where('gc_id', '=', filter.gcId);
  if (filter.dataset !== undefined) query = query.where('dataset', '=', filter.dataset);
  const rows = await query
    .orderBy('at', 'desc')
    .orderBy('gc_id', 'desc')
    .orderBy('n')
    .limit(filter.limit ?? 1000)
    .execute();
  return rows.map(toEntry);
}
