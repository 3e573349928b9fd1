import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Check results: one row per check per version, never overwritten, so the
 * history of every partition's checks stays (dbt's `store_failures` keeps
 * only the last run). Each row keeps the observed value, the threshold and a
 * sample of the failing rows with their key columns.
 */
export const checks: Migration = {
  version: 4,
  name: 'checks',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('check_results')
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('check_name', 'text', (c) => c.notNull())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('observed', 'text')
      .addColumn('threshold', 'text')
      .addColumn('failing_rows', 'bigint', (c) => c.notNull())
      .addColumn('sample_json', 'text', (c) => c.notNull())
      .addColumn('key_columns_json', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .addColumn('run_id', 'text')
      .addColumn('checked_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('check_results_pk', ['version_id', 'check_name'])
      .execute();
    await db.schema.createIndex('check_results_partition').on('check_results').columns(['dataset', 'idx', 'checked_at']).execute();
    await db.schema.createIndex('check_results_recent').on('check_results').columns(['dataset', 'checked_at']).execute();
  },
};
