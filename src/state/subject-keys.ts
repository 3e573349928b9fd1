/**
 * The statements over `subject_keys` (see migration 008). Creating keys is
 * insert-if-absent then read back, inside the caller's write transaction, so
 * that concurrent landers agree on one key per subject: SQLite serialises
 * the transactions; on PostgreSQL `on conflict do nothing` waits for the
 * other inserter and the read that follows sees its committed row.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, SubjectKeysTable } from './database.ts';
import { chunks } from './rows.ts';
import type { NewSubjectKey, SubjectKey } from './state-store.ts';

/** The `meta` row that changes whenever a subject is forgotten (see `forgottenStamp`). */
export const FORGOTTEN_VERSION = 'forgotten_version';

function toSubjectKey(r: Selectable<SubjectKeysTable>): SubjectKey {
  return { pseudonym: r.pseudonym, wrappedKey: r.wrapped_key, createdAt: Number(r.created_at), forgottenAt: r.forgotten_at === null ? null : Number(r.forgotten_at) };
}

export async function subjectKeysIn(db: Kysely<Database>, candidates: readonly NewSubjectKey[], maxParams: number): Promise<Map<string, SubjectKey>> {
  const first = new Map<string, NewSubjectKey>();
  for (const c of candidates) if (!first.has(c.pseudonym)) first.set(c.pseudonym, c);
  const unique = [...first.values()];
  for (const chunk of chunks(unique, 4, maxParams)) {
    await db
      .insertInto('subject_keys')
      .values(chunk.map((c) => ({ pseudonym: c.pseudonym, wrapped_key: c.wrappedKey, created_at: c.createdAt, forgotten_at: null })))
      .onConflict((oc) => oc.column('pseudonym').doNothing())
      .execute();
  }
  return findSubjectKeys(db, unique.map((c) => c.pseudonym), maxParams);
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
      .set({ wrapped_key: null, forgotten_at: at })
      .where('pseudonym', 'in', chunk)
      .where('wrapped_key', 'is not', null)
      .returning('pseudonym')
      .execute();
    out.push(...rows.map((r) => r.pseudonym));
  }
  for (const chunk of chunks(unique, 4, maxParams)) {
    await db
      .insertInto('subject_keys')
      .values(chunk.map((pseudonym) => ({ pseudonym, wrapped_key: null, created_at: at, forgotten_at: at })))
      .onConflict((oc) => oc.column('pseudonym').doNothing())
      .execute();
  }
  // A new token (not a counter: two stores' transactions never read-modify-write it) says the list changed.
  const token = randomUUID();
  await db.insertInto('meta').values({ key: FORGOTTEN_VERSION, value: token }).onConflict((oc) => oc.column('key').doUpdateSet({ value: token })).execute();
  return out;
}
