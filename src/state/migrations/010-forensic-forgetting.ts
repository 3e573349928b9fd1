import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Forgetting that holds up to a look at the disk (see src/privacy/keys/ and
 * src/lifecycle/forget/):
 *
 * - `subject_keys.epoch`: the key epoch whose key-encryption key wraps the
 *   subject's data key (null: wrapped under the master key directly, as
 *   before epochs). Completing a forget request rotates the epoch and
 *   destroys the old epoch's key, so that copies of this table taken before
 *   (backups, WAL, free pages) hold only keys nobody can unwrap.
 * - `forget_requests.verified_at` and `verification`: the last scan for what
 *   of the subject survives (`pond forget --verify`), as JSON.
 * - `condemned_versions`: versions that held a forgotten subject and must go
 *   whatever the retention says; a version a sink still names waits there
 *   until the sink moved on, and `pond gc` deletes it then.
 */
export const forensicForgetting: Migration = {
  version: 10,
  name: 'forensic-forgetting',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('subject_keys').addColumn('epoch', 'integer').execute();
    await (db as Kysely<{ meta: { key: string; value: string } }>).insertInto('meta').values({ key: 'key_epoch', value: '0' }).execute();
    await db.schema.alterTable('forget_requests').addColumn('verified_at', 'bigint').execute();
    await db.schema.alterTable('forget_requests').addColumn('verification', 'text').execute();
    await db.schema
      .createTable('condemned_versions')
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('condemned_versions_pk', ['dataset', 'version_id'])
      .execute();
  },
};
