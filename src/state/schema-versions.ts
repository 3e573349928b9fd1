/**
 * The schema registry's statements over Kysely: versions of each stream's
 * JSON Schema, numbered per stream. `KyselyStateStore` runs them, as it runs
 * run-history.ts for runs. Compatibility is not judged here (see
 * src/schema/registry.ts): the store only numbers, deduplicates and keeps.
 */
import type { Kysely, Selectable } from 'kysely';
import { PondError } from '../errors/index.ts';
import type { Database, SchemaVersionsTable } from './database.ts';
import type { NewSchemaVersion, SchemaVersion } from './roles/index.ts';

function toSchemaVersion(r: Selectable<SchemaVersionsTable>): SchemaVersion {
  return {
    stream: r.stream,
    version: Number(r.version),
    fingerprint: r.fingerprint,
    schema: r.schema_json,
    compatibility: r.compatibility,
    registeredAt: Number(r.registered_at),
  };
}

/** Oldest first. */
export async function schemaVersions(db: Kysely<Database>, stream: string): Promise<SchemaVersion[]> {
  const rows = await db.selectFrom('schema_versions').selectAll().where('stream', '=', stream).orderBy('version').execute();
  return rows.map(toSchemaVersion);
}

export async function latestSchemaVersions(db: Kysely<Database>): Promise<Map<string, SchemaVersion>> {
  const rows = await db
    .selectFrom('schema_versions as s')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('schema_versions')
          .select(['stream', (e) => e.fn.max('version').as('latest')])
          .groupBy('stream')
          .as('m'),
      (join) => join.onRef('m.stream', '=', 's.stream').onRef('m.latest', '=', 's.version'),
    )
    .selectAll('s')
    .execute();
  return new Map(rows.map((r) => [r.stream, toSchemaVersion(r)]));
}

async function latestOf(db: Kysely<Database>, stream: string): Promise<SchemaVersion | undefined> {
  const row = await db.selectFrom('schema_versions').selectAll().where('stream', '=', stream).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && toSchemaVersion(row);
}

/** See `StateStore.registerSchemaVersion`; call inside a write transaction. */
export async function registerSchemaVersionIn(trx: Kysely<Database>, v: NewSchemaVersion): Promise<{ version: SchemaVersion; created: boolean }> {
  const latest = await latestOf(trx, v.stream);
  if (latest?.fingerprint === v.fingerprint) return { version: latest, created: false };
  if ((latest?.version ?? 0) !== v.after) throw moved(v, latest);
  const row = {
    stream: v.stream,
    version: v.after + 1,
    fingerprint: v.fingerprint,
    schema_json: v.schema,
    compatibility: v.compatibility,
    registered_at: v.registeredAt,
  };
  // The primary key (stream, version) settles a race between processes whose
  // transactions do not lock each other out (PostgreSQL at read committed):
  // the loser inserts nothing and looks again.
  const inserted = await trx
    .insertInto('schema_versions')
    .values(row)
    .onConflict((oc) => oc.columns(['stream', 'version']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { version: toSchemaVersion(row), created: true };
  const now = await latestOf(trx, v.stream);
  if (now?.fingerprint === v.fingerprint) return { version: now, created: false };
  throw moved(v, now);
}

function moved(v: NewSchemaVersion, latest: SchemaVersion | undefined): PondError {
  return new PondError(
    'CONFLICT',
    `the schema registry moved on while stream "${v.stream}" was being registered (latest version ${latest?.version ?? 'none'}, expected ${v.after || 'none'})`,
    {
      hint: 'read the versions again, check compatibility against the new latest one, and register again',
    },
  );
}
