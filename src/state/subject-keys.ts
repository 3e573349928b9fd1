/**
 * The statements over `subject_keys` (see migration 008). Creating keys is
 * insert-if-absent then read back, inside the caller's write transaction, so
 * that concurrent landers agree on one key per subject: SQLite serialises
 * the transactions; on PostgreSQL `on conflict do nothing` waits for the
 * other inserter and the read that follows sees its committed row.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, SubjectKeysTable } from './database.ts';
import { chunks } from './rows.ts';
import type { KeyRingStamp, NewSubjectKey, SubjectKey } from './roles/index.ts';

/** The `meta` row that changes whenever a subject is forgotten (see `forgottenStamp`). */
export const FORGOTTEN_VERSION = 'forgotten_version';
/** The `meta` row with the current key epoch (see privacy/keys/key-epochs.ts); '0' until the first. */
export const KEY_EPOCH = 'key_epoch';

function toSubjectKey(r: Selectable<SubjectKeysTable>): SubjectKey {
  return {
    pseudonym: r.pseudonym,
    wrappedKey: r.wrapped_key,
    createdAt: Number(r.created_at),
    forgottenAt: r.forgotten_at === null ? null : Number(r.forgotten_at),
    epoch: r.epoch === null ? null : Number(r.epoch),
  };
}

/**
 * The current key epoch, read inside a write transaction; on PostgreSQL the
 * row is share-locked, so a rotation (which updates it first) waits for this
 * transaction, and this one, if it comes second, reads the new epoch.
 */
async function currentEpochIn(trx: Kysely<Database>, lock: boolean): Promise<number> {
  let query = trx.selectFrom('meta').select('value').where('key', '=', KEY_EPOCH);
  if (lock) query = query.forShare();
  return Number((await query.executeTakeFirst())?.value ?? 0);
}

/**
 * Stores the candidates that have no row, only while `epoch` is the current
 * key epoch (they are wrapped under its key: stored under an epoch that has
 * ended, they could never be unwrapped); returns the stored rows and the
 * current epoch. The caller wraps again and retries when the epoch moved.
 */
export async function subjectKeysIn(
  db: Kysely<Database>,
  candidates: readonly NewSubjectKey[],
  epoch: number,
  maxParams: number,
  lock: boolean,
): Promise<{ keys: Map<string, SubjectKey>; epoch: number }> {
  const first = new Map<string, NewSubjectKey>();
  for (const c of candidates) if (!first.has(c.pseudonym)) first.set(c.pseudonym, c);
  const unique = [...first.values()];
  const current = await currentEpochIn(db, lock);
  if (current === epoch) {
    for (const chunk of chunks(unique, 5, maxParams)) {
      await db
        .insertInto('subject_keys')
        .values(chunk.map((c) => ({ pseudonym: c.pseudonym, wrapped_key: c.wrappedKey, created_at: c.createdAt, forgotten_at: null, epoch })))
        .onConflict((oc) => oc.column('pseudonym').doNothing())
        .execute();
    }
  }
  return {
    keys: await findSubjectKeys(
      db,
      unique.map((c) => c.pseudonym),
      maxParams,
    ),
    epoch: current,
  };
}

/** The key epoch and the forgotten list's stamp, in one read. */
export async function keyRingStamp(db: Kysely<Database>): Promise<KeyRingStamp> {
  const rows = await db.selectFrom('meta').select(['key', 'value']).where('key', 'in', [KEY_EPOCH, FORGOTTEN_VERSION]).execute();
  const of = (key: string) => rows.find((r) => r.key === key)?.value;
  return { epoch: Number(of(KEY_EPOCH) ?? 0), forgotten: of(FORGOTTEN_VERSION) ?? '' };
}

/**
 * Moves the key epoch from `from` to `to` and re-wraps every live key under
 * the new epoch's key (`rewrap`), in the caller's write transaction. The
 * epoch row is updated first (compare and set): it waits for transactions
 * creating keys under the old epoch, and makes later ones see the new one.
 * Returns false, changing nothing, when the epoch is no longer `from`.
 */
export async function rotateKeyEpochIn(
  trx: Kysely<Database>,
  from: number,
  to: number,
  rewrap: (key: SubjectKey) => string,
  maxParams: number,
): Promise<boolean> {
  const moved = await trx
    .updateTable('meta')
    .set({ value: String(to) })
    .where('key', '=', KEY_EPOCH)
    .where('value', '=', String(from))
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 0) {
    if (from !== 0 || (await trx.selectFrom('meta').select('value').where('key', '=', KEY_EPOCH).executeTakeFirst()) !== undefined) return false;
    await trx
      .insertInto('meta')
      .values({ key: KEY_EPOCH, value: String(to) })
      .execute();
  }
  const live = await trx
    .selectFrom('subject_keys')
    .selectAll()
    .where('wrapped_key', 'is not', null)
    .where((eb) => eb.or([eb('epoch', 'is', null), eb('epoch', '<>', to)]))
    .orderBy('pseudonym')
    .execute();
  const rows = live.map((r) => ({ p: r.pseudonym, w: rewrap(toSubjectKey(r)) }));
  for (const chunk of chunks(rows, 2, maxParams - 1)) {
    const values = sql.join(chunk.map((r) => sql`(${r.p}, ${r.w})`));
    // UPDATE … FROM (SQLite ≥ 3.33 and PostgreSQL): one lookup by primary key a row, not a scan of the list.
    await sql`with v(p, w) as (values ${values})
      update subject_keys set wrapped_key = v.w, epoch = ${to} from v where subject_keys.pseudonym = v.p`.execute(trx);
  }
  return true;
}

export async function findSubjectKeys(db: Kysely<Database>, pseudonyms: readonly string[], maxParams: number): Promise<Map<string, SubjectKey>> {
  const out = new Map<string, SubjectKey>();
  for (const chunk of chunks([...new Set(pseudonyms)], 1, maxParams)) {
    const rows = await db.selectFrom('subject_keys').selectAll().where('pseudonym', 'in', chunk).execute();
    for (const r of rows) out.set(r.pseudonym, toSubjectKey(r));
  }
  return out;
}

/**
 * Deletes the keys of these subjects and returns those that had one. A
 * subject never seen gets its tombstone too, so that it never gets a key.
 */
export async function forgetSubjectKeysIn(db: Kysely<Database>, pseudonyms: readonly string[], at: number, maxParams: number): Promise<string[]> {
  const out: string[] = [];
  const unique = [...new Set(pseudonyms)];
  for (const chunk of chunks(unique, 1, maxParams - 1)) {
    const rows = await db
      .updateTable('subject_keys')
      .set({ wrapped_key: null, forgotten_at: at, epoch: null })
      .where('pseudonym', 'in', chunk)
      .where('wrapped_key', 'is not', null)
      .returning('pseudonym')
      .execute();
    out.push(...rows.map((r) => r.pseudonym));
  }
  for (const chunk of chunks(unique, 4, maxParams)) {
    await db
      .insertInto('subject_keys')
      .values(chunk.map((pseudonym) => ({ pseudonym, wrapped_key: null, created_at: at, forgotten_at: at, epoch: null })))
      .onConflict((oc) => oc.column('pseudonym').doNothing())
      .execute();
  }
  // A new token (not a counter: two stores' transactions never read-modify-write it) says the list changed.
  const token = randomUUID();
  await db
    .insertInto('meta')
    .values({ key: FORGOTTEN_VERSION, value: token })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: token }))
    .execute();
  return out;
}
