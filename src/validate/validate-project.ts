/**
 * Errors caught before anything runs, for a project that loaded (loading
 * itself refuses misspelled keys, bad fields and cycles, see config/): the
 * TypeScript of the files the project loads typechecks, and every SQL
 * transformation binds against its inputs' columns. `pond build` and
 * `pond up` call it at start and stop with exit code 2 on what it finds;
 * `pond check` shows the same as steps; a process that loads a changed
 * project (`pond up`) calls it before switching to it.
 *
 * It changes nothing but the typecheck's cache (`.pond/typecheck.json`).
 */
import type { Project } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import { openEngine, type Engine } from '../compute/index.ts';
import type { VersionStore } from '../state/index.ts';
import type { TypeDiagnostic } from '../typecheck/index.ts';
import { bindSql, type SqlBindReport } from './bind-sql.ts';
import { cachedTypecheck, type CachedTypecheck } from './typecheck-cache.ts';

export interface ValidateOptions {
  /** The DuckDB engine to bind SQL in (a pooled session at a time); one of its own, closed after, when left out. */
  readonly engine?: Engine;
  /** The state's versions: the columns TypeScript datasets without `columns` built with their current code. */
  readonly versions?: Pick<VersionStore, 'listVersions' | 'schemaHistory'>;
  /** Typecheck the project's loaded files (pond.config.ts and the pipeline files). Default true. */
  readonly typecheck?: boolean;
  /** Whether the typecheck's result is written to `.pond/typecheck.json`: `always` (default), or only when `.pond` exists. */
  readonly cache?: 'always' | 'if-state-exists';
}

/** What the checks found; `problems` is empty when the project may run. */
export interface ValidationReport {
  /** Undefined when the typecheck was not asked for. */
  readonly typecheck: CachedTypecheck | undefined;
  readonly sql: SqlBindReport;
  /** Every finding as an error that names its file and line: type errors first (one error for all), then one per SQL dataset. */
  readonly problems: readonly PondError[];
}

/**
 * Runs the checks and reports what they found.
 *
 * @example
 * const report = await checkProject(project, { versions: state });
 * report.sql.skipped // [{ dataset: 'best', reason: 'input "scored" is a TypeScript dataset without `columns` …' }]
 */
export async function checkProject(project: Project, options: ValidateOptions = {}): Promise<ValidationReport> {
  // JavaScript pipeline files load as they are; the compiler checks the TypeScript ones (and what they import).
  const rootFiles = project.files.filter((f) => /\.(ts|mts|cts|tsx)$/.test(f));
  const typecheck =
    options.typecheck === false || rootFiles.length === 0 ? undefined : await cachedTypecheck(project.dir, { rootFiles, write: options.cache ?? 'always' });
  const engine = options.engine ?? (await openEngine({ threads: 1 }));
  let sql: SqlBindReport;
  try {
    sql = await bindSql(project, { engine, versions: options.versions });
  } finally {
    if (!options.engine) engine.close();
  }
  const problems: PondError[] = [];
  if (typecheck && typecheck.errors.length > 0) problems.push(typeErrors(typecheck.errors));
  problems.push(...sql.errors);
  return { typecheck, sql, problems };
}

/**
 * The one function to call before running a loaded project: throws
 * INVALID_PROJECT (exit code 2) with every problem when there is any.
 *
 * @example
 * const project = await loadProject(dir);
 * await validateProject(project, { engine, versions: state }); // throws: pipelines/p.ts:7: dataset "spend" field sql: Binder Error: …
 */
export async function validateProject(project: Project, options: ValidateOptions = {}): Promise<ValidationReport> {
  const report = await checkProject(project, options);
  const [first, ...more] = report.problems;
  if (!first) return report;
  if (more.length === 0) throw first;
  throw new PondError('INVALID_PROJECT', [first.message, ...more.map((p) => p.describe())].join('\n'), {
    where: first.where,
    hint: `${first.hint ? `${first.hint}; ` : ''}${more.length + 1} problems in all; \`pond check\` lists them with the other checks`,
  });
}

/** Type errors as one error: the first where it is, every one listed as `file:line:column: TSnnnn: message`. */
function typeErrors(errors: readonly TypeDiagnostic[]): PondError {
  const at = (e: TypeDiagnostic) => (e.file === undefined ? '' : `${e.file}:${e.line}:${e.column}`);
  const [first, ...rest] = errors as [TypeDiagnostic, ...TypeDiagnostic[]];
  const shown = rest.slice(0, 20).map((e) => `${at(e)}: ${e.code}: ${e.message.replaceAll('\n', '\n    ')}`);
  if (rest.length > shown.length) shown.push(`… and ${rest.length - shown.length} more`);
  return new PondError('INVALID_PROJECT', [`${first.code}: ${first.message.replaceAll('\n', '\n    ')}`, ...shown].join('\n'), {
    where: at(first) || undefined,
    hint: `fix the type error${errors.length === 1 ? '' : 's'} (${errors.length} in the files the project loads); \`pond check\` typechecks its tests and generators too`,
  });
}
