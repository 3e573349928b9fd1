/**
 * The compute role: DuckDB in this process. One database instance, one
 * connection per concurrent build (temporary views are per connection, so
 * builds never see each other's inputs).
 */
import type { DuckDBConnection, DuckDBValueConverter, JS } from '@duckdb/node-api';
import type { Row } from '../define/index.ts';
import type { Column } from '../model/index.ts';
import { quoteIdent } from './sql-quoting.ts';
import { strictRows } from './strict-rows.ts';

export interface Engine {
  /** A session of its own; `close()` it when done. */
  connect(): Promise<SqlSession>;
  /**
   * A pooled session for one build: its temporary views and tables are
   * dropped when it is released, so the next build never sees them.
   */
  acquire(): Promise<SqlSession>;
  release(session: SqlSession): Promise<void>;
  close(): void;
}

/** How rows are made from a query's result. */
export interface RowOptions {
  /**
   * Rows refuse to read a column they do not have: such a read calls this,
   * which throws (see strict-rows.ts). What TypeScript transformations read.
   */
  readonly onMissingColumn?: (column: string, columns: readonly string[]) => never;
}

/** The narrow shape Pond needs of a DuckDB connection. */
export interface SqlSession {
  run(sql: string): Promise<void>;
  /** Creates (or replaces) temporary views in one round trip; a pooled session drops them on release. */
  defineViews(views: ReadonlyArray<{ name: string; query: string }>): Promise<void>;
  /**
   * Creates (or replaces) a temporary table holding what `query` returns; a
   * pooled session drops it on release (it may hold decrypted inputs, which
   * must not outlive the build).
   */
  createTempTable(name: string, query: string): Promise<void>;
  /** All rows of a query as plain objects (BIGINTs that fit become numbers). */
  rows(sql: string, options?: RowOptions): Promise<Row[]>;
  /** Column names and DuckDB types of a query, without running it. */
  describe(sql: string): Promise<Column[]>;
  /** The rows of a query in batches as DuckDB produces them (about 2,048 rows each). */
  batches(sql: string, options?: RowOptions): AsyncIterable<Row[]>;
  /** Stops the query running on this session (it fails with an "interrupted" error). */
  interrupt(): void;
  close(): void;
  /** What the sessions of one database instance remember together (see forgotten-table.ts); absent for one-off sessions. */
  readonly instanceMemo?: Map<string, string>;
}

/**
 * @example
 * const engine = await openEngine();
 * const session = await engine.connect();
 * await session.rows('select 42 as answer'); // [{ answer: 42 }]
 */
export async function openEngine(options: { threads?: number; memoryLimit?: string } = {}): Promise<Engine> {
  // Never download extensions at run time: builds must not depend on the network.
  const config: Record<string, string> = { autoinstall_known_extensions: 'false' };
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  // Loaded on first use: commands that only plan never pay for DuckDB's start-up.
  const { DuckDBInstance, JSDuckDBValueConverter } = await import('@duckdb/node-api');
  converter = JSDuckDBValueConverter;
  const instance = await DuckDBInstance.create(':memory:', config);
  // UTC, whatever the machine's zone: the same inputs must give the same rows
  // everywhere. Without the ICU extension DuckDB is always UTC, and this fails.
  const setup = await instance.connect();
  await setup.run("set global TimeZone = 'UTC'").catch(() => undefined);
  setup.closeSync();
  const idle: SqlSession[] = [];
  const memo = new Map<string, string>();
  return {
    connect: async () => new DuckDBSession(await instance.connect(), memo),
    acquire: async () => idle.pop() ?? new DuckDBSession(await instance.connect(), memo),
    async release(session) {
      try {
        await (session as DuckDBSession).dropTemporaries();
        idle.push(session);
      } catch {
        session.close();
      }
    },
    close: () => {
      for (const s of idle.splice(0)) s.close();
      instance.closeSync();
    },
  };
}

let converter: DuckDBValueConverter<JS>;

class DuckDBSession implements SqlSession {
  private readonly views = new Set<string>();
  private readonly tables = new Set<string>();

  constructor(
    private readonly connection: DuckDBConnection,
    readonly instanceMemo: Map<string, string>,
  ) {}

  async defineViews(views: ReadonlyArray<{ name: string; query: string }>): Promise<void> {
    if (views.length === 0) return;
    await this.connection.run(views.map((v) => `create or replace temp view ${quoteIdent(v.name)} as ${v.query}`).join(';\n'));
    for (const v of views) this.views.add(v.name);
  }

  async createTempTable(name: string, query: string): Promise<void> {
    this.tables.add(name);
    await this.connection.run(`create or replace temp table ${quoteIdent(name)} as ${query}`);
  }

  /** Views first: they may read the tables. */
  async dropTemporaries(): Promise<void> {
    const drops = [
      ...[...this.views].map((name) => `drop view if exists temp.main.${quoteIdent(name)}`),
      ...[...this.tables].map((name) => `drop table if exists temp.main.${quoteIdent(name)}`),
    ];
    if (drops.length === 0) return;
    await this.connection.run(drops.join('; '));
    this.views.clear();
    this.tables.clear();
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  async rows(sql: string, options: RowOptions = {}): Promise<Row[]> {
    const out: Row[] = [];
    for await (const batch of this.batches(sql, options)) out.push(...batch);
    return out;
  }

  async describe(sql: string): Promise<Column[]> {
    const prepared = await this.connection.prepare(sql);
    const columns: Column[] = [];
    for (let i = 0; i < prepared.columnCount; i++) columns.push({ name: prepared.columnName(i), type: String(prepared.columnType(i)) });
    prepared.destroySync();
    return columns;
  }

  async *batches(sql: string, options: RowOptions = {}): AsyncIterable<Row[]> {
    const result = await this.connection.stream(sql);
    const names = result.columnNames();
    const strict = options.onMissingColumn && strictRows(names, options.onMissingColumn);
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const rows = chunk.convertRows(converter);
      yield strict ? rows.map((values) => strict(values.map(plain))) : rows.map((values) => toRow(names, values));
    }
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
  }
}

function toRow(names: readonly string[], values: readonly unknown[]): Row {
  const row: Row = {};
  for (let i = 0; i < names.length; i++) row[names[i] as string] = plain(values[i]);
  return row;
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value ?? null;
}
