import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Landing from the buffer: the consumer offsets of each group (committed in
 * the same transaction as the versions they produced, so a crash can neither
 * lose nor repeat a landed event), and the messageIds landed recently, by
 * stream, to drop the duplicates that client retries make.
 */
export const landing: Migration = {
  version: 3,
  name: 'landing',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('consumer_offsets')
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('partition', 'integer', (c) => c.notNull())
      .addColumn('next_offset', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('consumer_offsets_pk', ['group_id', 'topic', 'partition'])
      .execute();
    await db.schema
      .createTable('landed_messages')
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('landed_messages_pk', ['stream', 'message_id'])
      .execute();
    await db.schema.createIndex('landed_messages_received').on('landed_messages').column('received_at').execute();
  },
};
