import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * The schema registry: every version of each stream's JSON Schema that Pond
 * accepted, numbered from 1 per stream, with the canonical-JSON fingerprint
 * that makes registering the same schema again a no-op, and the compatibility
 * mode it was checked under. Rows are only ever added.
 */
export const schemaRegistry: Migration = {
  version: 5,
  name: 'schema-registry',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('schema_versions')
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('schema_json', 'text', (c) => c.notNull())
      .addColumn('compatibility', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      // The key numbers versions: two registrations racing for the same number cannot both insert.
      .addPrimaryKeyConstraint('schema_versions_pk', ['stream', 'version'])
      .execute();
  },
};
