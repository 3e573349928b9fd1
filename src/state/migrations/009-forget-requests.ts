import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Forgetting data subjects (see src/privacy/forget/): the audit log of
 * requests, one row per subject, naming it only by its pseudonym, with who
 * asked, when and why; and the derived partitions each request must see
 * rebuilt, with the version each held when it was asked (the version that
 * still holds the subject). An index on `subject_keys.forgotten_at` serves
 * readers that leave forgotten subjects out.
 */
export const forgetRequests: Migration = {
  version: 9,
  name: 'forget-requests',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('forget_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pseudonym', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'bigint', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('had_key', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint')
      .addColumn('raw_partitions', 'integer')
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema.createIndex('forget_requests_pseudonym').on('forget_requests').columns(['pseudonym']).execute();
    await db.schema.createIndex('forget_requests_status').on('forget_requests').columns(['status']).execute();
    await db.schema
      .createTable('forget_partitions')
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text')
      .addPrimaryKeyConstraint('forget_partitions_pk', ['request_id', 'dataset', 'idx'])
      .execute();
    await db.schema.createIndex('subject_keys_forgotten_at').on('subject_keys').columns(['forgotten_at']).execute();
  },
};
