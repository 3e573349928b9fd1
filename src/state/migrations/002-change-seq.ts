import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Partition change tracking, so a reader can fetch only what changed since a
 * snapshot: every write to a partition row gives it `change_seq`, a fresh
 * value of the global sequence taken in the same transaction. Also a `meta`
 * table holding `store_id`, a random identity of this database, so a snapshot
 * kept beside a copied or recreated database is never taken for its own.
 */
export const changeSeq: Migration = {
  version: 2,
  name: 'change-seq',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('partitions')
      .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    // Existing rows all take one fresh sequence value: newer than any snapshot could cover.
    await sql`update sequence set value = value + 1 where id = 1`.execute(db);
    await sql`update partitions set change_seq = (select value from sequence where id = 1)`.execute(db);
    await db.schema.createIndex('partitions_dataset_change').on('partitions').columns(['dataset', 'change_seq']).execute();

    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into meta (key, value) values ('store_id', ${randomUUID()})`.execute(db);
  },
};
