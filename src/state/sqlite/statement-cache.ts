import type Sqlite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more
 * than running the small statements the orchestrator issues per partition.
 * This keeps the most recent prepared statements by SQL text. It is safe
 * because Kysely runs one statement at a time on SQLite's single connection
 * and only ever calls `all` or `run`, which finish before returning.
 */
export function cachingStatements(file: Sqlite.Database, size = 256): SqliteDatabase {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    close: () => file.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        // Move to the back: the Map's order is the eviction order.
        cache.delete(text);
      } else {
        stmt = file.prepare(text);
        if (cache.size >= size) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}
