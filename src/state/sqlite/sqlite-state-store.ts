/**
 * The embedded state store: one SQLite file in WAL mode through better-sqlite3.
 * Several Pond processes may open the same file; every write transaction
 * starts with `BEGIN IMMEDIATE`, so writers queue on SQLite's lock (up to the
 * busy timeout) instead of failing when a read turns into a write.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { PondError } from '../../errors/index.ts';
import type { Database } from '../database.ts';
import { KyselyStateStore } from '../kysely-state-store.ts';
import type { StoreAdapter } from '../store-adapter.ts';
import { withFileLock } from './file-lock.ts';
import { snapshotFiles } from './snapshot-files.ts';
import { sqliteHotPath } from './sqlite-hot-path.ts';
import { readPartitionSnapshot } from './sqlite-partition-columns.ts';
import { cachingStatements } from './statement-cache.ts';

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32 is 32766; stay below it. */
const MAX_PARAMS = 32_000;

/** Error codes that mean the file cannot be used right now, or at all, as a database. */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|NOTADB|CORRUPT|PERM|AUTH|NOLFS)/;
const NOT_RETRYABLE = /^SQLITE_(NOTADB|CORRUPT|READONLY|PERM|AUTH)/;

function unavailable(path: string, error: unknown, doing: string): PondError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !UNAVAILABLE.test(code)) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new PondError('STORAGE_UNAVAILABLE', `could not ${doing} in the SQLite state database ${path}: ${message} (${code})`, {
    cause: error,
    where: path,
    retryable: !NOT_RETRYABLE.test(code),
    hint: code.startsWith('SQLITE_BUSY')
      ? 'another process held the database lock for too long; retry, or stop the other Pond process'
      : 'check that the folder exists, is writable and has free space, and that the file is a Pond state database',
  });
}

export interface SqliteStoreOptions {
  /** Datasets with fewer partitions get no snapshot file (default 4096); tests set 0 to exercise the files. */
  readonly snapshotMinRows?: number;
  /**
   * Whether the orchestrator's per-partition statements run on cached
   * better-sqlite3 statements (see sqlite-hot-path.ts) instead of through
   * Kysely (default true). Off, every statement goes through the same Kysely
   * code PostgreSQL runs; the shared suite runs both ways.
   */
  readonly hotPath?: boolean;
}

/**
 * Opens (creating if needed) the SQLite state database at `path`. Does not migrate.
 *
 * @example
 * const store = await openSqliteStateStore('.pond/state.db');
 * await store.migrate();
 *
 * @example
 * // Every statement through Kysely, as on PostgreSQL (the state-store suite runs both ways).
 * const plain = await openSqliteStateStore('.pond/state.db', { hotPath: false });
 */
export async function openSqliteStateStore(path: string, options: SqliteStoreOptions = {}): Promise<KyselyStateStore> {
  let file: Sqlite.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    file = new Sqlite(path);
    file.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses no committed transaction on a process crash, only on power loss.
    file.pragma('synchronous = NORMAL');
    file.pragma('busy_timeout = 10000');
    file.pragma('foreign_keys = ON');
    // Deleted rows (a forgotten subject's key, row samples of deleted versions) are overwritten with zeros, in
    // their pages and in freed pages, instead of lingering in the file; scrub() then clears the WAL's copies.
    file.pragma('secure_delete = ON');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PondError('STORAGE_UNAVAILABLE', `cannot open the SQLite state database ${path}: ${message}`, {
      cause: error,
      where: path,
      hint: 'check that the folder can be created and written, or set the state path to another place',
    });
  }

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(file) }) });
  // Read once, after migration made it: the identity never changes for a file.
  let id: Promise<string> | undefined;
  const storeId = (): Promise<string> => {
    id ??= db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', 'store_id')
      .executeTakeFirstOrThrow()
      .then((r) => r.value);
    id.catch(() => (id = undefined));
    return id;
  };
  const currentSeq = async (): Promise<number> => Number((await db.selectFrom('sequence').select('value').where('id', '=', 1).executeTakeFirst())?.value ?? 0);
  const adapter: StoreAdapter = {
    dialect: 'sqlite',
    description: path,
    maxParams: MAX_PARAMS,
    skipLocked: false,
    writeTransaction: (kdb, fn) =>
      withFileLock(path, () =>
        kdb.connection().execute(async (conn) => {
          await sql`begin immediate`.execute(conn);
          try {
            const result = await fn(conn);
            await sql`commit`.execute(conn);
            return result;
          } catch (error) {
            if (file.inTransaction) await sql`rollback`.execute(conn);
            throw error;
          }
        }),
      ),
    exclusive: (fn) => withFileLock(path, fn),
    // BEGIN IMMEDIATE already makes writers take turns.
    lockMigrations: async () => {},
    lockLeaseCaps: async () => {},
    // Through Kysely's connection lock, so the read never lands inside another caller's open transaction.
    partitionSnapshot: (dataset) => db.connection().execute(async () => readPartitionSnapshot(file, dataset)),
    hotPath: options.hotPath === false ? undefined : sqliteHotPath(file, db, path),
    // No files for an in-memory database: nothing outlives it.
    snapshotShelf: path === ':memory:' ? undefined : snapshotFiles(path, storeId, currentSeq),
    // Through the connection lock, so the checkpoint never runs inside another caller's open transaction.
    scrub: () => withFileLock(path, () => db.connection().execute(async () => void file.pragma('wal_checkpoint(TRUNCATE)'))),
    unavailable: (error, doing) => unavailable(path, error, doing),
  };
  return new KyselyStateStore(db, adapter, { shelfMinRows: options.snapshotMinRows });
}
