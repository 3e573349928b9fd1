/**
 * The sink state's statements over Kysely (see migration 006). The store only
 * keeps what the publisher decided; comparing with current versions and
 * backing off failed publishes is src/sink/publisher.ts's work.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, SinkStateTable } from './database.ts';
import { chunks } from './rows.ts';
import type { SinkState } from './roles/index.ts';

function toSinkState(r: Selectable<SinkStateTable>): SinkState {
  return {
    dataset: r.dataset,
    sink: r.sink,
    idx: Number(r.idx),
    key: r.key,
    versionId: r.version_id,
    publishedAt: r.published_at === null ? null : Number(r.published_at),
    attemptedVersion: r.attempted_version,
    error: r.error,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at === null ? null : Number(r.next_attempt_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function sinkStates(db: Kysely<Database>, dataset: string, filter: { sink?: string; idx?: number }): Promise<SinkState[]> {
  let query = db.selectFrom('sink_state').selectAll().where('dataset', '=', dataset);
  if (filter.sink !== undefined) query = query.where('sink', '=', filter.sink);
  if (filter.idx !== undefined) query = query.where('idx', '=', filter.idx);
  const rows = await query.orderBy('sink').orderBy('idx').execute();
  return rows.map(toSinkState);
}

const COLUMNS = 11;

export async function recordSinkStatesIn(db: Kysely<Database>, states: readonly SinkState[], maxParams: number): Promise<void> {
  for (const chunk of chunks(states, COLUMNS, maxParams)) {
    const rows = chunk.map((s) => ({
      dataset: s.dataset,
      sink: s.sink,
      idx: s.idx,
      key: s.key,
      version_id: s.versionId,
      published_at: s.publishedAt,
      attempted_version: s.attemptedVersion,
      error: s.error,
      attempts: s.attempts,
      next_attempt_at: s.nextAttemptAt,
      updated_at: s.updatedAt,
    }));
    await db
      .insertInto('sink_state')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['dataset', 'sink', 'idx']).doUpdateSet((eb) => ({
          key: eb.ref('excluded.key'),
          version_id: eb.ref('excluded.version_id'),
          published_at: eb.ref('excluded.published_at'),
          attempted_version: eb.ref('excluded.attempted_version'),
          error: eb.ref('excluded.error'),
          attempts: eb.ref('excluded.attempts'),
          next_attempt_at: eb.ref('excluded.next_attempt_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
