/**
 * The statements on sequence numbers, versions, partitions and check results
 * that the store runs for every build and landing. Each is built here once:
 * `KyselyStateStore` executes them, and the SQLite hot path
 * (sqlite/sqlite-hot-path.ts) compiles them once and runs the SQL itself, so
 * both run the same SQL. Builders return the query unexecuted; rows are
 * passed as they go into the table.
 */
import type { Kysely, Selectable } from 'kysely';
import type { CheckResultsTable, CodeFingerprintsTable, Database, PartitionsTable, VersionsTable } from './database.ts';
import type { NewVersion } from './roles/index.ts';

/** Takes `n` sequence numbers; the returned `value` is the last of them. */
export function takeSeqsQuery(db: Kysely<Database>, n: number) {
  return db
    .updateTable('sequence')
    .set((eb) => ({ value: eb('value', '+', n) }))
    .where('id', '=', 1)
    .returning('value');
}

/** Refs for new fingerprints; a fingerprint that has one keeps it. */
export function insertCodeRefsQuery(db: Kysely<Database>, rows: readonly Selectable<CodeFingerprintsTable>[]) {
  return db
    .insertInto('code_fingerprints')
    .values(rows)
    .onConflict((oc) => oc.column('fingerprint').doNothing());
}

export function codeRefsQuery(db: Kysely<Database>, fingerprints: readonly string[]) {
  return db.selectFrom('code_fingerprints').select(['fingerprint', 'ref']).where('fingerprint', 'in', fingerprints);
}

export function insertVersionsQuery(db: Kysely<Database>, rows: readonly Selectable<VersionsTable>[]) {
  return db.insertInto('versions').values(rows);
}

/** A partition row for `upsertCurrentQuery`: the columns a committed version sets. */
export type CurrentRow = Omit<Selectable<PartitionsTable>, 'status' | 'error'>;

/** Makes each row's version its partition's current one, the partition `ok`. */
/**
 * The current rows a commit of `versions` (sequence numbers from `first`)
 * writes: one per partition, the last version of a partition in the batch
 * winning. Each row's change is the commit's seq, taken in its transaction
 * (see partition-cache/).
 */
export function currentRowsOf(versions: readonly NewVersion[], first: number, refs: ReadonlyMap<string, number>, now: number): CurrentRow[] {
  const latest = new Map<string, { v: NewVersion; seq: number }>();
  versions.forEach((v, i) => latest.set(`${v.dataset}\u0000${v.idx}`, { v, seq: first + i }));
  return [...latest.values()].map(({ v, seq }) => ({
    dataset: v.dataset,
    idx: v.idx,
    key: v.key,
    version_id: v.id,
    current_seq: seq,
    input_seq: v.inputSeq,
    code_fingerprint: v.codeFingerprint,
    code_ref: refs.get(v.codeFingerprint) ?? null,
    updated_at: now,
    change_seq: seq,
  }));
}

export function upsertCurrentQuery(db: Kysely<Database>, rows: readonly CurrentRow[]) {
  return db
    .insertInto('partitions')
    .values(rows.map((r) => ({ ...r, status: 'ok', error: null })))
    .onConflict((oc) =>
      oc.columns(['dataset', 'idx']).doUpdateSet((eb) => ({
        key: eb.ref('excluded.key'),
        version_id: eb.ref('excluded.version_id'),
        current_seq: eb.ref('excluded.current_seq'),
        input_seq: eb.ref('excluded.input_seq'),
        code_fingerprint: eb.ref('excluded.code_fingerprint'),
        code_ref: eb.ref('excluded.code_ref'),
        status: 'ok',
        error: null,
        updated_at: eb.ref('excluded.updated_at'),
        change_seq: eb.ref('excluded.change_seq'),
      })),
    );
}

/**
 * Marks a partition failed, keeping its current version. `seq` is a fresh
 * sequence number: the row's change_seq, like every write to partitions, and
 * its input_seq, so inputs committed after the failure make it stale again.
 */
export function upsertFailedQuery(db: Kysely<Database>, p: { dataset: string; idx: number; key: string; error: string; seq: number; now: number }) {
  return db
    .insertInto('partitions')
    .values({
      dataset: p.dataset,
      idx: p.idx,
      key: p.key,
      version_id: null,
      current_seq: 0,
      input_seq: p.seq,
      code_fingerprint: null,
      code_ref: null,
      status: 'failed',
      error: p.error,
      updated_at: p.now,
      change_seq: p.seq,
    })
    .onConflict((oc) =>
      oc.columns(['dataset', 'idx']).doUpdateSet((eb) => ({
        status: 'failed',
        input_seq: eb.ref('excluded.input_seq'),
        error: eb.ref('excluded.error'),
        updated_at: eb.ref('excluded.updated_at'),
        change_seq: eb.ref('excluded.change_seq'),
      })),
    );
}

export function insertCheckResultsQuery(db: Kysely<Database>, rows: readonly Selectable<CheckResultsTable>[]) {
  return db.insertInto('check_results').values(rows);
}

/** The current version id of one partition (landing checks it did not change under it). */
export function currentVersionQuery(db: Kysely<Database>, dataset: string, idx: number) {
  return db.selectFrom('partitions').select('version_id').where('dataset', '=', dataset).where('idx', '=', idx);
}

/** Current versions of the partitions in [from, to), by idx. */
export function currentVersionsQuery(db: Kysely<Database>, dataset: string, from: number, to: number) {
  return db
    .selectFrom('partitions as p')
    .innerJoin('versions as v', 'v.id', 'p.version_id')
    .select(['p.idx', 'p.key', 'v.id', 'p.current_seq', 'v.files_json', 'v.schema_json', 'v.rows'])
    .where('p.dataset', '=', dataset)
    .where('p.idx', '>=', from)
    .where('p.idx', '<', to)
    .orderBy('p.idx');
}
