/**
 * The state schema's numbered migrations and the function that applies the
 * missing ones. Each migration runs in its own transaction together with its
 * row in `schema_migrations`, under a lock that keeps concurrent starters apart,
 * so a crash or a race leaves the schema at some version, never between two.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { StoreAdapter } from '../store-adapter.ts';
import { initial } from './001-initial.ts';
import { changeSeq } from './002-change-seq.ts';
import { landing } from './003-landing.ts';
import { checks } from './004-checks.ts';
import { schemaRegistry } from './005-schema-registry.ts';
import { sinks } from './006-sinks.ts';
import { gcLog } from './007-gc-log.ts';
import { subjectKeys } from './008-subject-keys.ts';
import { forgetRequests } from './009-forget-requests.ts';
import { forensicForgetting } from './010-forensic-forgetting.ts';
import { taskCode } from './011-task-code.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

/** In version order; append only. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  changeSeq,
  landing,
  checks,
  schemaRegistry,
  sinks,
  gcLog,
  subjectKeys,
  forgetRequests,
  forensicForgetting,
  taskCode,
];

async function ensureTable(trx: Kysely<Database>): Promise<void> {
  await sql`create table if not exists schema_migrations (version integer primary key, name text not null, applied_at bigint not null)`.execute(trx);
}

async function appliedVersions(trx: Kysely<Database>): Promise<Set<number>> {
  const rows = await trx.selectFrom('schema_migrations').select('version').execute();
  return new Set(rows.map((r) => Number(r.version)));
}

/** Applies the migrations not yet recorded; returns the versions it applied. */
export async function migrate(db: Kysely<Database>, adapter: StoreAdapter, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const applied = await adapter.writeTransaction(db, async (trx) => {
    await adapter.lockMigrations(trx);
    await ensureTable(trx);
    return appliedVersions(trx);
  });
  const done: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const ran = await adapter.writeTransaction(db, async (trx) => {
      await adapter.lockMigrations(trx);
      // Another process may have applied it since we looked.
      if ((await appliedVersions(trx)).has(migration.version)) return false;
      await migration.up(trx as unknown as Kysely<unknown>);
      await trx.insertInto('schema_migrations').values({ version: migration.version, name: migration.name, applied_at: Date.now() }).execute();
      return true;
    });
    if (ran) done.push(migration.version);
  }
  return done;
}
