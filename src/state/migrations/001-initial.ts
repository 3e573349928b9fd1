import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/** The first schema: sequence, partitions, code fingerprints, versions, streams, tasks, runs, run logs. */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  async up(db: Kysely<unknown>): Promise<void> {
    // One global counter: every commit takes the next value, so "newer" is one comparison.
    await db.schema
      .createTable('sequence')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into sequence (id, value) values (1, 0)`.execute(db);

    await db.schema
      .createTable('partitions')
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text')
      .addColumn('current_seq', 'bigint', (c) => c.notNull())
      .addColumn('input_seq', 'bigint', (c) => c.notNull())
      .addColumn('code_fingerprint', 'text')
      // The fingerprint as a number (see code_fingerprints), so bulk reads move only numbers.
      .addColumn('code_ref', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('partitions_pk', ['dataset', 'idx'])
      .execute();

    // Code fingerprints by number. A ref is the sequence number of the commit
    // that first used the fingerprint: unique without a dialect-specific
    // autoincrement, and never reused.
    await db.schema
      .createTable('code_fingerprints')
      .addColumn('ref', 'bigint', (c) => c.primaryKey())
      .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
      .execute();

    await db.schema
      .createTable('versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('files_json', 'text', (c) => c.notNull())
      .addColumn('rows', 'bigint', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('schema_json', 'text', (c) => c.notNull())
      .addColumn('code_fingerprint', 'text', (c) => c.notNull())
      .addColumn('input_seq', 'bigint', (c) => c.notNull())
      .addColumn('inputs_json', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('build_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('versions_partition_seq').on('versions').columns(['dataset', 'idx', 'seq']).execute();
    // listVersions(dataset) newest first without sorting the dataset's history.
    await db.schema.createIndex('versions_dataset_seq').on('versions').columns(['dataset', 'seq']).execute();

    await db.schema
      .createTable('streams')
      .addColumn('stream', 'text', (c) => c.primaryKey())
      .addColumn('max_event_time', 'bigint')
      .addColumn('last_received_at', 'bigint')
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('dead_letters', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // At most one open task per partition: enqueue relies on this index with
    // `on conflict (dataset, idx) where state in ('queued', 'leased') do nothing`.
    // The predicate text must stay identical to the one in the enqueue statement.
    await db.schema
      .createIndex('tasks_open_partition')
      .on('tasks')
      .columns(['dataset', 'idx'])
      .unique()
      .where(sql<boolean>`state in ('queued', 'leased')`)
      .execute();
    // Leasing walks open tasks in priority order and stops at the limit; done
    // tasks (the history) stay out of this index.
    await db.schema
      .createIndex('tasks_open_order')
      .on('tasks')
      .columns(['priority', 'id'])
      .where(sql<boolean>`state in ('queued', 'leased')`)
      .execute();
    await db.schema.createIndex('tasks_dataset_state').on('tasks').columns(['dataset', 'state']).execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text')
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('retryable', 'integer')
      .addColumn('version_id', 'text')
      .addColumn('worker', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('runs_started').on('runs').columns(['started_at']).execute();
    await db.schema.createIndex('runs_dataset_started').on('runs').columns(['dataset', 'started_at']).execute();
    await db.schema.createIndex('runs_status_started').on('runs').columns(['status', 'started_at']).execute();

    await db.schema
      .createTable('run_logs')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_logs_pk', ['run_id', 'n'])
      .execute();
  },
};
