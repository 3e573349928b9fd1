/**
 * The statements over `forget_requests` and `forget_partitions` (see
 * migration 009), and the two transactions of forgetting: recording the
 * requests together with deleting the subjects' keys, then marking the raw
 * partitions that hold them changed together with the partitions to wait for.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, ForgetRequestsTable } from './database.ts';
import { chunks } from './rows.ts';
import type { ForgetPartition, ForgetRequest, ForgetStatus, ForgetVerification, NewForgetRequest, StateText } from './roles/index.ts';
import { FORGOTTEN_VERSION, forgetSubjectKeysIn } from './subject-keys.ts';

function toRequest(r: Selectable<ForgetRequestsTable>): ForgetRequest {
  return {
    id: r.id,
    pseudonym: r.pseudonym,
    requestedAt: Number(r.requested_at),
    requestedBy: r.requested_by,
    reason: r.reason,
    hadKey: Number(r.had_key) === 1,
    status: r.status as ForgetStatus,
    seq: r.seq === null ? null : Number(r.seq),
    rawPartitions: r.raw_partitions === null ? null : Number(r.raw_partitions),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
    verification: r.verification === null ? null : { ...(JSON.parse(r.verification) as ForgetVerification), at: Number(r.verified_at) },
  };
}

/**
 * Records the requests of subjects that have none yet, deleting their keys;
 * a subject already forgotten (any request for its pseudonym, whatever its
 * status) is left out, so that the caller answers with the existing request
 * instead of recording and rebuilding again.
 */
export async function recordForgetRequestsIn(trx: Kysely<Database>, requests: readonly NewForgetRequest[], maxParams: number): Promise<ForgetRequest[]> {
  const out: ForgetRequest[] = [];
  const known = await requestedPseudonyms(
    trx,
    requests.map((r) => r.pseudonym),
    maxParams,
  );
  for (const group of groupByTime(requests.filter((r) => !known.has(r.pseudonym)))) {
    const had = new Set(
      await forgetSubjectKeysIn(
        trx,
        group.map((r) => r.pseudonym),
        group[0]?.requestedAt ?? 0,
        maxParams,
      ),
    );
    for (const r of group) {
      const row = {
        id: r.id,
        pseudonym: r.pseudonym,
        requested_at: r.requestedAt,
        requested_by: r.requestedBy,
        reason: r.reason,
        had_key: had.has(r.pseudonym) ? 1 : 0,
        status: 'recorded',
        seq: null,
        raw_partitions: null,
        completed_at: null,
        verified_at: null,
        verification: null,
      };
      await trx.insertInto('forget_requests').values(row).execute();
      out.push(toRequest(row));
    }
  }
  return out;
}

async function requestedPseudonyms(trx: Kysely<Database>, pseudonyms: readonly string[], maxParams: number): Promise<Set<string>> {
  const out = new Set<string>();
  for (const chunk of chunks([...new Set(pseudonyms)], 1, maxParams)) {
    for (const r of await trx.selectFrom('forget_requests').select('pseudonym').where('pseudonym', 'in', chunk).execute()) out.add(r.pseudonym);
  }
  return out;
}

/** Requests with the same time, so that each group deletes its keys at that time. */
function groupByTime(requests: readonly NewForgetRequest[]): NewForgetRequest[][] {
  const groups = new Map<number, NewForgetRequest[]>();
  for (const r of requests) groups.set(r.requestedAt, [...(groups.get(r.requestedAt) ?? []), r]);
  return [...groups.values()];
}

/** Runs inside the caller's write transaction; `seq` is a sequence number it took. */
export async function startForgetRebuildsIn(
  trx: Kysely<Database>,
  requestIds: readonly string[],
  touched: readonly { readonly dataset: string; readonly idxs: readonly number[] }[],
  waitFor: readonly ForgetPartition[],
  seq: number,
  at: number,
  maxParams: number,
): Promise<void> {
  let rawPartitions = 0;
  for (const { dataset, idxs } of touched) {
    for (const chunk of chunks([...new Set(idxs)], 1, maxParams - 4)) {
      const result = await trx
        .updateTable('partitions')
        .set({ current_seq: seq, change_seq: seq, updated_at: at })
        .where('dataset', '=', dataset)
        .where('idx', 'in', chunk)
        .where('version_id', 'is not', null)
        .executeTakeFirst();
      rawPartitions += Number(result.numUpdatedRows);
    }
  }
  const rows = requestIds.flatMap((id) => waitFor.map((p) => ({ request_id: id, dataset: p.dataset, idx: p.idx, key: p.key, version_id: p.versionId })));
  for (const chunk of chunks(rows, 5, maxParams))
    await trx
      .insertInto('forget_partitions')
      .values(chunk)
      .onConflict((oc) => oc.doNothing())
      .execute();
  for (const chunk of chunks([...requestIds], 1, maxParams - 3)) {
    await trx
      .updateTable('forget_requests')
      .set({ status: 'rebuilding', seq, raw_partitions: rawPartitions })
      .where('id', 'in', chunk)
      .where('status', '=', 'recorded')
      .execute();
  }
}

export async function forgetRequests(
  db: Kysely<Database>,
  filter: { ids?: readonly string[]; pseudonym?: string; status?: readonly ForgetStatus[]; limit?: number },
): Promise<ForgetRequest[]> {
  let query = db.selectFrom('forget_requests').selectAll().orderBy('requested_at', 'desc').orderBy('id');
  if (filter.ids) query = query.where('id', 'in', filter.ids.length > 0 ? [...filter.ids] : ['']);
  if (filter.pseudonym !== undefined) query = query.where('pseudonym', '=', filter.pseudonym);
  if (filter.status) query = query.where('status', 'in', filter.status.length > 0 ? [...filter.status] : ['']);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return (await query.execute()).map(toRequest);
}

export async function forgetPartitions(db: Kysely<Database>, requestId: string): Promise<ForgetPartition[]> {
  const rows = await db.selectFrom('forget_partitions').selectAll().where('request_id', '=', requestId).orderBy('dataset').orderBy('idx').execute();
  return rows.map((r) => ({ dataset: r.dataset, idx: Number(r.idx), key: r.key, versionId: r.version_id }));
}

export async function forgottenSubjects(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('subject_keys').select('pseudonym').where('forgotten_at', 'is not', null).orderBy('pseudonym').execute();
  return rows.map((r) => r.pseudonym);
}

/** Changes whenever a subject is forgotten ('' while nobody is): one primary-key read. */
export async function forgottenStamp(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', FORGOTTEN_VERSION).executeTakeFirst();
  return row?.value ?? '';
}

export async function recordForgetVerificationIn(trx: Kysely<Database>, id: string, verification: ForgetVerification): Promise<void> {
  const { at, ...rest } = verification;
  await trx
    .updateTable('forget_requests')
    .set({ verified_at: at, verification: JSON.stringify(rest) })
    .where('id', '=', id)
    .execute();
}

/**
 * Where the state keeps free text copied from rows or about them: each
 * searched column with the dataset, partition key and version its row is
 * about (as SQL both SQLite and PostgreSQL read).
 */
const STATE_TEXTS: readonly { table: string; column: string; select: string; from: string }[] = [
  { table: 'check_results', column: 'sample_json', select: 'dataset, key, version_id', from: 'check_results' },
  { table: 'run_logs', column: 'message', select: 'r.dataset, r.key, r.version_id', from: 'run_logs t left join runs r on r.id = t.run_id' },
  { table: 'runs', column: 'error', select: 'dataset, key, version_id', from: 'runs' },
  { table: 'partitions', column: 'error', select: 'dataset, key, version_id', from: 'partitions' },
  { table: 'tasks', column: 'last_error', select: 'dataset, key, null as version_id', from: 'tasks' },
  { table: 'sink_state', column: 'error', select: 'dataset, key, version_id', from: 'sink_state' },
  { table: 'landed_messages', column: 'message_id', select: 'stream as dataset, null as key, null as version_id', from: 'landed_messages' },
];

export async function findStateText(db: Kysely<Database>, needles: readonly string[]): Promise<StateText[]> {
  // lower() of SQLite folds ASCII only: a needle is looked for as given and in lower case.
  const patterns = [...new Set(needles.flatMap((n) => [n, n.toLowerCase()]))].map((n) => `%${n.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const out: StateText[] = [];
  for (const t of STATE_TEXTS) {
    const text = sql.raw(t.from.includes(' t ') ? `t.${t.column}` : t.column);
    const matches = sql.join(
      patterns.map((p) => sql`lower(${text}) like ${p} escape '\\'`),
      sql` or `,
    );
    const rows = await sql<{
      dataset: string | null;
      key: string | null;
      version_id: string | null;
      text: string;
    }>`select ${sql.raw(t.select)}, ${text} as text from ${sql.raw(t.from)} where ${text} is not null and (${matches})`.execute(db);
    for (const r of rows.rows) out.push({ table: t.table, column: t.column, dataset: r.dataset, key: r.key, versionId: r.version_id, text: r.text });
  }
  return out;
}
