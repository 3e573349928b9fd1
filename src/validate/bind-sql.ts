/**
 * Binds every SQL transformation against its inputs' columns before anything
 * runs: DuckDB prepares the dataset's SQL over empty views that have exactly
 * the columns a build would give it, so a column or table the inputs lack,
 * or a syntax error, is found without data and without building — with the
 * file and the line of the SQL as the user wrote it.
 *
 * The inputs' columns come from what is known without building:
 *
 * - a stream's, from its JSON Schema (its clear types for a dataset that
 *   decrypts it);
 * - a SQL dataset's, from its own SQL bound the same way, upstream first;
 * - a TypeScript dataset's, from its declared `columns`;
 * - a TypeScript dataset without `columns`, from the versions it built with
 *   its current code (every column they had). Never built with this code,
 *   it cannot be known, and the datasets that read it are skipped rather
 *   than guessed at.
 *
 * What is reported is what no data can change: a syntax error, a table that
 * is not an input, a column no input has. A type that does not fit (`sum`
 * of a column whose schema became a string) is not: a build reads each
 * partition's files with the types they were written with, and older
 * partitions may well fit; such a dataset is listed as not bound, and why.
 *
 * Dataset columns go through an empty Parquet file first, as a build's
 * output does (DuckDB reads a HUGEINT sum back as DOUBLE, a fixed-size array
 * as a list), so that downstream SQL binds against the types it will read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DatasetModel, Project } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import { quoteIdent, sqlString, type Engine, type SqlSession } from '../compute/index.ts';
import type { Column } from '../model/index.ts';
import type { VersionStore } from '../state/index.ts';
import { createInputViews, type InputBinding } from '../transform/index.ts';
import { parseSqlError } from './sql-error.ts';
import { locateSqlLine } from './sql-location.ts';

export interface SqlBindOptions {
  /** Sessions to bind in: their temporary views are dropped when each is released. */
  readonly engine: Engine;
  /** The versions built so far, for TypeScript datasets without `columns`; without them, their readers are skipped. */
  readonly versions?: Pick<VersionStore, 'listVersions' | 'schemaHistory'>;
}

export interface SqlBindReport {
  /** SQL datasets whose SQL binds against their inputs. */
  readonly bound: readonly string[];
  /** SQL datasets that could not be bound before a build, and why. */
  readonly skipped: ReadonlyArray<{ readonly dataset: string; readonly reason: string }>;
  /** One error per SQL dataset that does not bind, naming the file and the line of its SQL. */
  readonly errors: readonly PondError[];
}

/** Columns of an input, as far as they are known before a build. */
interface Known {
  readonly columns: readonly Column[];
}

type Outcome = { readonly known: Known } | { readonly skipped: string } | { readonly error: PondError };

/**
 * @example
 * const report = await bindSql(project, { engine, versions: state });
 * for (const e of report.errors) console.error(e.describe()); // pipelines/p.ts:7: dataset "spend" field sql: Binder Error: …
 */
export async function bindSql(project: Project, options: SqlBindOptions): Promise<SqlBindReport> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'pond-bind-'));
  const outcomes = new Map<string, Promise<Outcome>>();
  let files = 0;

  const withSession = async <T>(work: (session: SqlSession) => Promise<T>): Promise<T> => {
    const session = await options.engine.acquire();
    try {
      return await work(session);
    } finally {
      await options.engine.release(session);
    }
  };
  /** The columns as a reader of a written Parquet file sees them. */
  const asWritten = async (columns: readonly Column[]): Promise<readonly Column[]> => {
    if (columns.length === 0) return columns;
    const file = path.join(scratch, `${files++}.parquet`);
    const nulls = columns.map((c) => `cast(null as ${c.type}) as ${quoteIdent(c.name)}`).join(', ');
    try {
      return await withSession(async (session) => {
        await session.run(`copy (select ${nulls} where false) to ${sqlString(file)} (format parquet)`);
        return session.describe(`select * from read_parquet(${sqlString(file)})`);
      });
    } catch {
      return columns;
    }
  };

  const outcomeOf = (name: string): Promise<Outcome> => {
    let outcome = outcomes.get(name);
    if (!outcome) {
      outcome = work(name);
      outcomes.set(name, outcome);
    }
    return outcome;
  };
  const work = async (name: string): Promise<Outcome> => {
    const stream = project.streams.get(name);
    if (stream) return { known: { columns: stream.columns } };
    const model = project.datasets.get(name);
    if (!model) return { skipped: `"${name}" is not in the project` };
    if (model.columns) return { known: { columns: await asWritten(Object.entries(model.columns).map(([n, type]) => ({ name: n, type }))) } };
    if (model.sql === undefined) return lastBuilt(model, options.versions);
    return bindOne(project, model, outcomeOf, withSession, asWritten);
  };

  try {
    const bound: string[] = [];
    const skipped: Array<{ dataset: string; reason: string }> = [];
    const errors: PondError[] = [];
    for (const name of project.order) {
      if (project.datasets.get(name)?.sql === undefined) continue;
      const outcome = await outcomeOf(name);
      if ('known' in outcome) bound.push(name);
      else if ('skipped' in outcome) skipped.push({ dataset: name, reason: outcome.skipped });
      else errors.push(outcome.error);
    }
    return { bound, skipped, errors };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A TypeScript dataset without `columns`: every column of the versions built with its current code, or skipped. */
async function lastBuilt(model: DatasetModel, versions: SqlBindOptions['versions']): Promise<Outcome> {
  const unknown = {
    skipped: `input "${model.name}" is a TypeScript dataset without \`columns\` not built with its current code: only a build tells its columns`,
  };
  if (!versions) return unknown;
  const [newest] = await versions.listVersions(model.name, { limit: 1 });
  if (!newest || newest.codeFingerprint !== model.codeFingerprint) return unknown;
  const columns = new Map(newest.schema.map((c) => [c.name, c]));
  for (const span of await versions.schemaHistory(model.name)) for (const c of span.schema) if (!columns.has(c.name)) columns.set(c.name, c);
  if (columns.size === 0) return unknown;
  return { known: { columns: [...columns.values()] } };
}

async function bindOne(
  project: Project,
  model: DatasetModel,
  outcomeOf: (name: string) => Promise<Outcome>,
  withSession: <T>(work: (session: SqlSession) => Promise<T>) => Promise<T>,
  asWritten: (columns: readonly Column[]) => Promise<readonly Column[]>,
): Promise<Outcome> {
  const sql = (model.sql as string).replace(/[\s;]+$/, '');
  const bindings: InputBinding[] = [];
  for (const input of model.inputs) {
    const stream = project.streams.get(input.source);
    if (stream && model.decrypt.includes(input.alias)) {
      bindings.push({ alias: input.alias, files: [], columns: stream.clearColumns });
      continue;
    }
    const upstream = await outcomeOf(input.source);
    if ('skipped' in upstream) return { skipped: upstream.skipped };
    if ('error' in upstream) return { skipped: `input "${input.source}" does not bind` };
    bindings.push({ alias: input.alias, files: [], columns: upstream.known.columns });
  }
  const window = model.partitioning.kind === 'time' ? { key: 'all', start: 0, end: 0 } : { key: 'all', start: null, end: null };
  let columns: readonly Column[];
  try {
    columns = await withSession(async (session) => {
      await createInputViews(session, bindings, window);
      return session.describe(sql);
    });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const parts = parseSqlError(message, sql);
    const missing = /Referenced column .* not found|does not have a column named|Referenced table .* not found/.test(parts.text);
    const certain = parts.kind === 'Parser Error' || parts.kind === 'Catalog Error' || (parts.kind === 'Binder Error' && missing);
    if (!certain) return { skipped: `${parts.kind || 'error'} over the inputs' current columns, which a build may not meet: ${parts.text}` };
    return { error: sqlError(project, model, sql, parts, bindings) };
  }
  return { known: { columns: await asWritten(columns) } };
}

function sqlError(project: Project, model: DatasetModel, sql: string, parts: ReturnType<typeof parseSqlError>, inputs: readonly InputBinding[]): PondError {
  const location = parts.line === undefined ? undefined : locateSqlLine(project.dir, model.file, model.sql as string, parts.line);
  const where = location
    ? `${location.file}:${location.line}: dataset "${model.name}" field sql`
    : `${model.file}: dataset "${model.name}" field sql${parts.line === undefined ? '' : ` (line ${parts.line} of its SQL)`}`;
  const aliases = new Set(inputs.map((i) => i.alias));
  // DuckDB suggests any table it knows (its own catalog's, too): only an input is worth suggesting.
  const text = parts.text.replace(/\s*Did you mean "([^"]+)"\?/, (all, name: string) => (aliases.has(name) ? all : ''));
  let shown = '';
  if (parts.line !== undefined) {
    const number = String(location?.line ?? parts.line);
    shown = `\n    ${number} | ${sql.split('\n')[parts.line - 1] ?? ''}`;
    if (parts.column !== undefined) shown += `\n    ${' '.repeat(number.length)} | ${' '.repeat(parts.column)}^`;
  }
  const described = inputs.map((i) => {
    const names = i.columns.map((c) => c.name);
    return `${i.alias} (${names.slice(0, 12).join(', ')}${names.length > 12 ? `, … ${names.length - 12} more` : ''})`;
  });
  return new PondError('INVALID_PROJECT', `${parts.kind}: ${text}${shown}`, {
    where,
    hint: `the SQL reads ${described.length === 0 ? 'no inputs' : described.join('; ')}${described.length === 0 ? '' : ', and pond_partition (key, start, end)'}; fix the SQL, or the input it means`,
  });
}
