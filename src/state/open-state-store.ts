import type { StateStore } from './state-store.ts';

export interface OpenStateStoreOptions {
  /** A `postgres://` or `postgresql://` URL selects PostgreSQL; anything else (or nothing) selects SQLite. */
  readonly url?: string;
  /** The SQLite file, used when `url` is not a PostgreSQL URL. Parent folders are created. */
  readonly sqlitePath: string;
}

/**
 * Opens the state store the options name and brings its schema up to date.
 * Connection and I/O failures are thrown as `PondError('STORAGE_UNAVAILABLE')`.
 *
 * @example
 * const state = await openStateStore({ url: process.env.POND_STATE_URL, sqlitePath: '.pond/state.db' });
 * try {
 *   console.log(await state.taskCounts());
 * } finally {
 *   await state.close();
 * }
 */
export async function openStateStore(options: OpenStateStoreOptions): Promise<StateStore> {
  const url = options.url;
  // Each driver loads only when used: a command's start-up pays for one database, not both.
  const store =
    url !== undefined && /^postgres(ql)?:\/\//i.test(url)
      ? await (await import('./postgres/postgres-state-store.ts')).openPostgresStateStore(url)
      : await (await import('./sqlite/sqlite-state-store.ts')).openSqliteStateStore(options.sqlitePath);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
