import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Sink state: per dataset, sink and partition, the version last published
 * (and when), and the last failed attempt (its version, error, attempt count
 * and when to try again). The publisher compares `version_id` with the
 * partition's current version to find what is behind.
 */
export const sinks: Migration = {
  version: 6,
  name: 'sinks',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sink_state')
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('sink', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text')
      .addColumn('published_at', 'bigint')
      .addColumn('attempted_version', 'text')
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sink_state_pk', ['dataset', 'sink', 'idx'])
      .execute();
  },
};
