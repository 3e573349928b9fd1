/**
 * Errors caught before anything runs: the typecheck of the files a project
 * loads (cached by their content) and SQL bound against its inputs' columns.
 * `validateProject` is what a command calls before it runs a loaded project.
 */
export { validateProject, checkProject, type ValidateOptions, type ValidationReport } from './validate-project.ts';
export { bindSql, type SqlBindOptions, type SqlBindReport } from './bind-sql.ts';
export { cachedTypecheck, type CachedTypecheck, type TypecheckCacheOptions } from './typecheck-cache.ts';
