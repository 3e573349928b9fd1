/**
 * Read-only SQL over the lake for the data API. A DuckDB instance of its own
 * (its settings are global, and the orchestrator's engine must keep reading
 * and writing files) that may touch only the lake and its own answer folder:
 * `enable_external_access = false` with `allowed_directories`, then
 * `lock_configuration`, so no statement can read `/etc/passwd`, attach a
 * database or load an extension. Statements are judged by DuckDB's own parser
 * and binder (the prepared statement's type), never by a regex: one SELECT
 * (WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE) or EXPLAIN.
 *
 * Every stream, dataset and `dead_letters` is a view over its current
 * versions (`createLakeViews`), redefined on a connection whenever the state
 * has committed something since that connection last defined them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ApiSettings, Project } from '../../config/index.ts';
import { PondError } from '../../errors/index.ts';
import type { Lake } from '../../lake/index.ts';
import { createLakeViews } from '../../query/index.ts';
import type { SubjectKeyStore, VersionStore } from '../../state/index.ts';
import { jsonValue, sqlList, sqlString } from '../../compute/index.ts';

export type AnswerFormat = 'json' | 'csv' | 'parquet';

export interface AnswerColumn {
  readonly name: string;
  /** DuckDB type, e.g. `BIGINT`, `TIMESTAMP WITH TIME ZONE`. */
  readonly type: string;
}

/** What a query answers: rows in memory (JSON) or a file to send and then delete (CSV, Parquet). */
export type Answer =
  | {
      readonly format: 'json';
      readonly columns: readonly AnswerColumn[];
      readonly rows: readonly Record<string, unknown>[];
      readonly truncated: boolean;
      readonly ms: number;
    }
  | { readonly format: 'csv' | 'parquet'; readonly file: string; readonly rows: number; readonly truncated: boolean; readonly ms: number };

export interface RunOptions {
  readonly format: AnswerFormat;
  /** Most rows to answer; one more is read to tell whether there were more. */
  readonly limit: number;
  /** Pond's own SQL (the rows endpoint): skips the statement check. */
  readonly trusted?: boolean;
}

const ALLOWED = new Set(['SELECT', 'EXPLAIN']);
const DATE_OR_TIME = /^(DATE|TIME|TIME WITH TIME ZONE|TIME_NS)$/;
const MAX_CONNECTIONS = 4;

interface Pooled {
  readonly connection: DuckDBConnection;
  /** State sequence number the views were defined at (-1: not yet). */
  seq: number;
}

export class ReadOnlySql {
  private readonly idle: Pooled[] = [];
  private readonly waiting: Array<(pooled: Pooled) => void> = [];
  private open = 0;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly project: Project,
    private readonly state: VersionStore & SubjectKeyStore,
    private readonly lake: Lake,
    private readonly settings: ApiSettings,
    /** Where CSV and Parquet answers are written before they are sent. */
    readonly outDir: string,
  ) {}

  /**
   * @example
   * const sql = await ReadOnlySql.open(project, state, lake);
   * const answer = await sql.run('select count(*) as n from events', { format: 'json', limit: 100 });
   */
  static async open(project: Project, state: VersionStore & SubjectKeyStore, lake: Lake, settings: ApiSettings = project.api): Promise<ReadOnlySql> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const outDir = mkdtempSync(path.join(tmpdir(), 'pond-api-'));
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const setup = await instance.connect();
    try {
      await setup.run("set global TimeZone = 'UTC'").catch(() => undefined);
      const dirs = [lake.locate(''), outDir].map((d) => (d.endsWith(path.sep) ? d : d + path.sep));
      await setup.run(`set allowed_directories = ${sqlList(dirs)}`);
      await setup.run('set enable_external_access = false');
      await setup.run('set lock_configuration = true');
    } finally {
      setup.closeSync();
    }
    return new ReadOnlySql(instance, project, state, lake, settings, outDir);
  }

  /**
   * The rows of a trusted statement that reads no data (DuckDB's own
   * functions, such as `json_serialize_sql`): no lake views are defined for
   * it, so it stays cheap at any number of partitions.
   */
  async rowsWithoutLake(sql: string): Promise<Record<string, unknown>[]> {
    const pooled = await this.acquire();
    try {
      return (await pooled.connection.runAndReadAll(sql)).getRowObjects();
    } finally {
      this.release(pooled);
    }
  }

  /** Runs one statement with the timeout; refuses anything but one read-only statement with BAD_ARGUMENT. */
  async run(sql: string, options: RunOptions): Promise<Answer> {
    const started = Date.now();
    const pooled = await this.acquire();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      pooled.connection.interrupt();
    }, this.settings.queryTimeoutMs);
    try {
      await this.refreshViews(pooled);
      const statement = options.trusted ? sql : await this.check(pooled.connection, sql);
      if (options.format === 'json') return { ...(await this.json(pooled.connection, sql, options.limit)), ms: Date.now() - started };
      if (statement === 'EXPLAIN') throw new PondError('BAD_ARGUMENT', `EXPLAIN answers only JSON, not ${options.format}`, { hint: 'ask for format json' });
      return { ...(await this.file(pooled.connection, sql, options)), ms: Date.now() - started };
    } catch (error) {
      if (timedOut) {
        throw new PondError('TIMED_OUT', `the query ran longer than ${this.settings.queryTimeoutMs / 1000} s and was stopped`, {
          hint: 'filter on fewer partitions, or raise api.queryTimeout in pond.config.ts',
          cause: error,
        });
      }
      throw describeFailure(error, this.project);
    } finally {
      clearTimeout(timer);
      this.release(pooled);
    }
  }

  close(): void {
    this.closed = true;
    for (const p of this.idle.splice(0)) p.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.outDir, { recursive: true, force: true });
  }

  /** The statement's type as DuckDB's binder sees it; throws BAD_ARGUMENT unless it is one read-only statement. */
  private async check(connection: DuckDBConnection, sql: string): Promise<string> {
    const statements = await connection.extractStatements(sql);
    if (statements.count !== 1) {
      throw new PondError('BAD_ARGUMENT', statements.count === 0 ? 'the SQL holds no statement' : `the SQL holds ${statements.count} statements; send one`);
    }
    const prepared = await statements.prepare(0);
    const { StatementType } = await import('@duckdb/node-api');
    const type = StatementType[prepared.statementType] ?? String(prepared.statementType);
    prepared.destroySync();
    if (!ALLOWED.has(type)) {
      throw new PondError(
        'BAD_ARGUMENT',
        `${type} statements are not allowed: the API answers one read-only statement (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN)`,
        {
          hint: 'the lake changes only through pond itself (builds, landing)',
        },
      );
    }
    return type;
  }

  private async json(connection: DuckDBConnection, sql: string, limit: number): Promise<Omit<Extract<Answer, { format: 'json' }>, 'ms'>> {
    const { JSDuckDBValueConverter, JsonDuckDBValueConverter } = await import('@duckdb/node-api');
    const result = await connection.stream(sql);
    const names = result.columnNames();
    const columns = result.columnTypes().map((type, i) => ({ name: names[i] as string, type: String(type) }));
    // Dates and times of day as DuckDB writes them ('2026-01-02', '10:11:12'); the JS converter would give a midnight timestamp and microseconds.
    const asText = columns.map((c) => DATE_OR_TIME.test(c.type));
    const rows: Record<string, unknown>[] = [];
    let truncated = false;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const text = asText.includes(true) ? chunk.convertRows(JsonDuckDBValueConverter) : [];
      const js = chunk.convertRows(JSDuckDBValueConverter);
      for (let r = 0; r < js.length; r++) {
        if (rows.length === limit) {
          truncated = true;
          break;
        }
        const row: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) row[names[i] as string] = asText[i] ? (text[r]?.[i] ?? null) : jsonValue(js[r]?.[i]);
        rows.push(row);
      }
      if (truncated) break;
    }
    return { format: 'json', columns, rows, truncated };
  }

  /**
   * The answer is first held in a temporary table of at most `limit + 1` rows
   * (to tell whether there were more), then written by DuckDB's own CSV or
   * Parquet writer: types and quoting as DuckDB, psql and pandas expect.
   */
  private async file(connection: DuckDBConnection, sql: string, options: RunOptions): Promise<Omit<Extract<Answer, { format: 'csv' | 'parquet' }>, 'ms'>> {
    const table = `pond_answer_${randomUUID().replaceAll('-', '')}`;
    // A newline before the closing parenthesis ends a trailing `-- comment`.
    const inner = sql.replace(/;\s*$/, '');
    const wrapped = `create temp table ${table} as select * from (\n${inner}\n) limit ${options.limit + 1}`;
    // The statement was checked alone; wrapped, it must still be one statement (no parenthesis trickery).
    if ((await connection.extractStatements(wrapped)).count !== 1)
      throw new PondError('BAD_ARGUMENT', 'the SQL cannot be answered as a table', { hint: 'send one SELECT statement' });
    await connection.run(wrapped);
    try {
      const count = Number((await connection.runAndReadAll(`select count(*) from ${table}`)).getRows()[0]?.[0] ?? 0);
      const file = path.join(this.outDir, `${table}.${options.format}`);
      const how =
        options.format === 'csv'
          ? "format csv, header true, dateformat '%Y-%m-%d', timestampformat '%Y-%m-%dT%H:%M:%S.%fZ'"
          : 'format parquet, compression zstd';
      await connection.run(`copy (select * from ${table} limit ${options.limit}) to ${sqlString(file)} (${how})`);
      return { format: options.format as 'csv' | 'parquet', file, rows: Math.min(count, options.limit), truncated: count > options.limit };
    } finally {
      await connection.run(`drop table if exists ${table}`);
    }
  }

  private async refreshViews(pooled: Pooled): Promise<void> {
    const seq = await this.state.currentSeq();
    if (seq === pooled.seq) return;
    const session = {
      run: async (sql: string) => void (await pooled.connection.run(sql)),
      rows: async (sql: string) => (await pooled.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[],
    };
    await createLakeViews(session, this.project, this.state, this.lake);
    pooled.seq = seq;
  }

  private async acquire(): Promise<Pooled> {
    if (this.closed) throw new PondError('STORAGE_UNAVAILABLE', 'the query engine is shutting down');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.open < MAX_CONNECTIONS) {
      this.open++;
      return { connection: await this.instance.connect(), seq: -1 };
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(pooled: Pooled): void {
    const next = this.waiting.shift();
    if (next) next(pooled);
    else if (this.closed) pooled.connection.closeSync();
    else this.idle.push(pooled);
  }
}

/** DuckDB's message, made into a 400 that says what to do. */
function describeFailure(error: unknown, project: Project): PondError {
  if (error instanceof PondError) return error;
  const message = (error as Error).message ?? String(error);
  if (/Permission Error|file system operations are disabled/i.test(message)) {
    return new PondError('BAD_ARGUMENT', `reading or writing files is not allowed in API queries: ${message}`, {
      hint: 'query the views of streams and datasets instead (they read exactly the current versions)',
    });
  }
  const views = [...project.streams.keys(), ...project.datasets.keys(), 'dead_letters'].join(', ');
  return new PondError('BAD_ARGUMENT', `query failed: ${message}`, { hint: `views: ${views}` });
}
