/**
 * A table in a SQLite file: the embedded serving database. Same semantics as
 * the PostgreSQL sink — the table is created from the dataset's schema and
 * grows columns with it, and each partition is replaced (delete, insert) in
 * one `BEGIN IMMEDIATE` transaction, so a reader of the file (WAL mode) sees
 * the old partition or the new one. Removing an expired partition deletes its
 * rows in one such transaction; a file or table that does not exist holds
 * nothing to remove and is not created for it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import Sqlite from 'better-sqlite3';
import { PondError } from '../../errors/index.ts';
import { quoteIdent } from '../../compute/index.ts';
import type { PartitionPayload, PartitionRef, Sink } from '../sink.ts';
import { PARTITION_COLUMN, VERSION_COLUMN } from '../sink-columns.ts';
import { missingColumns, rebatch, tableColumns } from '../table-plan.ts';

export interface SqliteSinkOptions {
  readonly file: string;
  readonly table: string;
  readonly where: string;
}

export class SqliteSink implements Sink {
  readonly target: string;
  private db: Sqlite.Database | undefined;
  /** Publishes one at a time: a transaction spans the awaits that read the rows. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SqliteSinkOptions) {
    this.target = `${options.file} table ${options.table}`;
  }

  private open(): Sqlite.Database {
    if (this.db) return this.db;
    try {
      mkdirSync(path.dirname(this.options.file), { recursive: true });
      const db = new Sqlite(this.options.file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      // Replaced rows (a partition rebuilt without a forgotten subject) are overwritten with zeros, not left in free pages.
      db.pragma('secure_delete = ON');
      this.db = db;
      return db;
    } catch (error) {
      throw new PondError('STORAGE_UNAVAILABLE', `cannot open SQLite file ${this.options.file}: ${(error as Error).message}`, {
        where: this.options.where,
        cause: error,
      });
    }
  }

  publish(payload: PartitionPayload): Promise<void> {
    return this.enqueue(() => this.publishNow(payload));
  }

  remove(partition: PartitionRef): Promise<void> {
    return this.enqueue(async () => this.removeNow(partition));
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private removeNow(partition: PartitionRef): void {
    const { file, table, where } = this.options;
    if (!this.db && !existsSync(file)) return;
    const db = this.open();
    try {
      db.exec('begin immediate');
      const exists = db.prepare('select 1 from pragma_table_info(?)').get(table) !== undefined;
      const removed = exists ? db.prepare(`delete from ${quoteIdent(table)} where ${quoteIdent(PARTITION_COLUMN)} = ?`).run(partition.key).changes : 0;
      db.exec('commit');
      if (removed > 0) scrubWal(db);
    } catch (error) {
      if (db.inTransaction) db.exec('rollback');
      throw new PondError('STORAGE_UNAVAILABLE', `removing expired partition ${partition.key} from ${this.target} failed: ${(error as Error).message}`, {
        where,
        cause: error,
      });
    }
  }

  private async publishNow(payload: PartitionPayload): Promise<void> {
    const { table, where } = this.options;
    const columns = tableColumns(payload.columns, 'sqlite', where);
    const db = this.open();
    const t = quoteIdent(table);
    try {
      db.exec('begin immediate');
    } catch (error) {
      throw new PondError('STORAGE_UNAVAILABLE', `cannot lock SQLite file ${this.options.file}: ${(error as Error).message}`, { where, cause: error });
    }
    try {
      const existing = db.prepare(`select name from pragma_table_info(?)`).all(table) as Array<{ name: string }>;
      if (existing.length === 0) {
        const defs = [
          `${quoteIdent(PARTITION_COLUMN)} TEXT NOT NULL`,
          `${quoteIdent(VERSION_COLUMN)} TEXT NOT NULL`,
          ...columns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`),
        ];
        db.exec(`create table ${t} (${defs.join(', ')})`);
        db.exec(`create index ${quoteIdent(`${table}_pond_partition_idx`)} on ${t} (${quoteIdent(PARTITION_COLUMN)})`);
      } else {
        const have = new Set(existing.map((r) => r.name.toLowerCase()));
        for (const c of missingColumns(columns, have)) db.exec(`alter table ${t} add column ${quoteIdent(c.name)} ${c.sqlType}`);
      }
      const newer = (
        db.prepare(`select max(${quoteIdent(VERSION_COLUMN)}) as v from ${t} where ${quoteIdent(PARTITION_COLUMN)} = ?`).get(payload.key) as {
          v: string | null;
        }
      ).v;
      if (newer !== null && newer > payload.versionId) {
        db.exec('rollback');
        return;
      }
      const replaced = db.prepare(`delete from ${t} where ${quoteIdent(PARTITION_COLUMN)} = ?`).run(payload.key).changes;
      const names = [PARTITION_COLUMN, VERSION_COLUMN, ...columns.map((c) => c.name)];
      const insert = db.prepare(`insert into ${t} (${names.map(quoteIdent).join(', ')}) values (${names.map(() => '?').join(', ')})`);
      for await (const batch of rebatch(payload.rows('sqlite'), 5_000)) {
        for (const row of batch) insert.run(payload.key, payload.versionId, ...columns.map((c) => bindable(row[c.name])));
      }
      db.exec('commit');
      if (replaced > 0) scrubWal(db);
    } catch (error) {
      if (db.inTransaction) db.exec('rollback');
      if (error instanceof PondError) throw error;
      throw new PondError('STORAGE_UNAVAILABLE', `publishing partition ${payload.key} to ${this.target} failed: ${(error as Error).message}`, {
        where,
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    await this.queue;
    this.db?.close();
    this.db = undefined;
  }
}

/**
 * After rows were replaced or removed: copies the WAL into the file (where
 * secure deletion zeroed them) and truncates it, so that the old rows' pages
 * do not linger in the WAL either. A reader of the table holding a snapshot
 * makes it a partial checkpoint; the next replacement tries again.
 */
function scrubWal(db: Sqlite.Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return value;
}
