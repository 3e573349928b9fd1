import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * The garbage collector's log: one row per superseded version it deleted
 * (written in the same transaction that deletes the version's rows, so the
 * log never misses a deletion) and one row per dataset for the unreferenced
 * files it swept. Rows are numbered within a collection (`n`) rather than by a
 * dialect-specific autoincrement.
 */
export const gcLog: Migration = {
  version: 7,
  name: 'gc-log',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('gc_log')
      .addColumn('gc_id', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint')
      .addColumn('key', 'text')
      .addColumn('version_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('files', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('gc_log_pk', ['gc_id', 'n'])
      .execute();
    await db.schema.createIndex('gc_log_at').on('gc_log').columns(['at']).execute();
  },
};
