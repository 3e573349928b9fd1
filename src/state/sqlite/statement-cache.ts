import type Sqlite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The most recent prepared statements of one database by SQL text: preparing
 * costs more than running the small statements the orchestrator issues per
 * partition. Least recently used statements are dropped past `size`.
 */
export class StatementCache {
  private readonly cache = new Map<string, Sqlite.Statement>();

  constructor(
    private readonly file: Sqlite.Database,
    private readonly size = 256,
  ) {}

  prepare(text: string): Sqlite.Statement {
    let stmt = this.cache.get(text);
    if (stmt) {
      // Move to the back: the Map's order is the eviction order.
      this.cache.delete(text);
    } else {
      stmt = this.file.prepare(text);
      if (this.cache.size >= this.size) {
        const oldest = this.cache.keys().next();
        if (!oldest.done) this.cache.delete(oldest.value);
      }
    }
    this.cache.set(text, stmt);
    return stmt;
  }
}

/**
 * Kysely's SQLite driver prepares every query afresh; this gives it cached
 * statements instead. It is safe because Kysely runs one statement at a time
 * on SQLite's single connection and only ever calls `all` or `run`, which
 * finish before returning.
 */
export function cachingStatements(file: Sqlite.Database, size = 256): SqliteDatabase {
  const cache = new StatementCache(file, size);
  return {
    close: () => file.close(),
    prepare: (text: string) => cache.prepare(text),
  };
}
