import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Data subjects' keys (crypto-shredding, see src/privacy/): one row per
 * subject, named only by its pseudonym (never the subject in clear), with its
 * data key wrapped under the master key. Forgetting a subject sets
 * `forgotten_at` and clears `wrapped_key`; the row stays as a tombstone so
 * that the subject never gets a new key.
 */
export const subjectKeys: Migration = {
  version: 8,
  name: 'subject-keys',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('subject_keys')
      .addColumn('pseudonym', 'text', (c) => c.primaryKey())
      .addColumn('wrapped_key', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('forgotten_at', 'bigint')
      .execute();
  },
};
