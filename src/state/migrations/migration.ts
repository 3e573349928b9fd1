import type { Kysely } from 'kysely';

/**
 * One numbered schema change. `up` must use SQL that both SQLite and PostgreSQL
 * accept (Kysely's schema builder, or plain SQL kept to the common subset);
 * it runs inside a transaction with the version's row in `schema_migrations`.
 * Migrations are never edited once shipped: add a new one instead.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Kysely<unknown>): Promise<void>;
}
