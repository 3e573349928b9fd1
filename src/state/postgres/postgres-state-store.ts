/**
 * The production state store: PostgreSQL through a `pg` pool. Several
 * schedulers and workers share it; leases are taken with
 * `SELECT … FOR UPDATE SKIP LOCKED`, and per-dataset caps and migrations are
 * serialised with transaction-scoped advisory locks.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PondError, redactUrl } from '../../errors/index.ts';
import type { Database } from '../database.ts';
import { KyselyStateStore } from '../kysely-state-store.ts';
import type { StoreAdapter } from '../store-adapter.ts';

/** The protocol allows 65535 bound parameters per statement. */
const MAX_PARAMS = 60_000;
/** First key of Pond's advisory locks (the second is per purpose), so they do not collide with other users of the database. */
const LOCK_SPACE = 0x504f4e44; // "POND"
const OID_INT8 = 20;

/** Connection-level failures: network codes, and SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown), 28 (auth), 3D000 (no database). */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);
const SQLSTATE = /^(08|53|57P|28|3D000|40001|40P01)/;

function unavailable(where: string, error: unknown, doing: string): PondError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const isNetwork = typeof code === 'string' && NETWORK.has(code);
  const isState = typeof code === 'string' && SQLSTATE.test(code);
  const isClosed = /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
  if (!isNetwork && !isState && !isClosed) return undefined;
  const auth = typeof code === 'string' && code.startsWith('28');
  const missing = code === '3D000';
  return new PondError(
    'STORAGE_UNAVAILABLE',
    `could not ${doing} in the PostgreSQL state database ${where}: ${message}${typeof code === 'string' ? ` (${code})` : ''}`,
    {
      cause: error,
      where,
      retryable: !auth && !missing,
      hint: auth
        ? 'check the user name and password in the state URL'
        : missing
          ? 'create the database (createdb) or fix its name in the state URL'
          : 'check that PostgreSQL is running and reachable at this address (for a local one: .ci/postgres.sh), then retry',
    },
  );
}

/**
 * Opens a pool on the PostgreSQL state database at `url`. Does not connect or
 * migrate until first used.
 *
 * @example
 * const store = await openPostgresStateStore('postgres://pond:pond@127.0.0.1:5432/pond');
 * await store.migrate();
 */
export async function openPostgresStateStore(url: string, options: { maxConnections?: number } = {}): Promise<KyselyStateStore> {
  const where = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    // int8 (times, sequence numbers, counts) as numbers: all stay below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === OID_INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {});

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const advisoryLock = async (trx: Kysely<Database>, key: string): Promise<void> => {
    await sql`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(${key}))`.execute(trx);
  };
  const adapter: StoreAdapter = {
    dialect: 'postgres',
    description: where,
    maxParams: MAX_PARAMS,
    skipLocked: true,
    // Read committed is enough: the statements that read before writing lock their rows or take an advisory lock.
    writeTransaction: (kdb, fn) => kdb.transaction().execute((trx) => fn(trx)),
    exclusive: (fn) => fn(),
    lockMigrations: (trx) => advisoryLock(trx, 'pond.migrations'),
    // In sorted order (the caller sorts), so two leasers cannot deadlock.
    lockLeaseCaps: async (trx, datasets) => {
      for (const d of datasets) await advisoryLock(trx, `pond.lease:${d}`);
    },
    // The keys' table is small and rewritten whole, so its old row versions leave every file of the database; the
    // row samples' tables are only vacuumed (a rewrite would lock builds out): their dead rows go as space is reused.
    scrub: async (kdb) => {
      await sql`vacuum full subject_keys`.execute(kdb);
      await sql`vacuum check_results, run_logs`.execute(kdb);
    },
    unavailable: (error, doing) => unavailable(where, error, doing),
  };
  return new KyselyStateStore(db, adapter);
}
