import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * `tasks.code_fingerprint`: the code fingerprint of the dataset a task was
 * planned for. A worker leases only tasks of the code it has loaded, so that
 * no process builds a partition with code other than the code its task was
 * planned for (see task-queue.ts); a plan with other code re-plans a queued
 * task in place. Null on tasks queued before: any worker may build those.
 */
export const taskCode: Migration = {
  version: 11,
  name: 'task-code',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('tasks').addColumn('code_fingerprint', 'text').execute();
  },
};
