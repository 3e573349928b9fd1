/**
 * The statements a landing batch runs besides its versions: consumer offsets,
 * landed messageIds, stream activity. Built here once for `KyselyStateStore`
 * and for the SQLite hot path, which compiles them once (see
 * version-statements.ts).
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { ConsumerOffsetsTable, Database, LandedMessagesTable, StreamsTable } from './database.ts';

export function upsertOffsetQuery(db: Kysely<Database>, row: Selectable<ConsumerOffsetsTable>) {
  return db
    .insertInto('consumer_offsets')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['group_id', 'topic', 'partition'])
        .doUpdateSet((eb) => ({ next_offset: eb.ref('excluded.next_offset'), updated_at: eb.ref('excluded.updated_at') })),
    );
}

/** A messageId seen again inside the window was dropped by the lander; one outside it may land again. */
export function insertMessagesQuery(db: Kysely<Database>, rows: readonly Selectable<LandedMessagesTable>[]) {
  return db
    .insertInto('landed_messages')
    .values(rows)
    .onConflict((oc) => oc.columns(['stream', 'message_id']).doUpdateSet({ received_at: (eb) => eb.ref('excluded.received_at') }));
}

export function landedMessagesQuery(db: Kysely<Database>, stream: string, messageIds: readonly string[]) {
  return db.selectFrom('landed_messages').select('message_id').where('stream', '=', stream).where('message_id', 'in', messageIds);
}

/** Adds to a stream's counts; times only move forward, and a null update keeps what is there. */
export function recordActivityQuery(db: Kysely<Database>, row: Selectable<StreamsTable>) {
  return db
    .insertInto('streams')
    .values(row)
    .onConflict((oc) =>
      oc.column('stream').doUpdateSet((eb) => ({
        max_event_time: sql<
          number | null
        >`case when excluded.max_event_time is not null and (streams.max_event_time is null or excluded.max_event_time > streams.max_event_time) then excluded.max_event_time else streams.max_event_time end`,
        last_received_at: sql<
          number | null
        >`case when streams.last_received_at is null or excluded.last_received_at > streams.last_received_at then excluded.last_received_at else streams.last_received_at end`,
        events: eb('streams.events', '+', eb.ref('excluded.events')),
        dead_letters: eb('streams.dead_letters', '+', eb.ref('excluded.dead_letters')),
      })),
    );
}
