/**
 * Typechecking a project's files (what `pond check` runs, and a build before it starts); loads the
 * TypeScript compiler, so it is imported only when a typecheck runs (see validate/typecheck-cache.ts).
 */
export { typecheckProject, type TypeDiagnostic, type TypecheckResult, type TypecheckOptions } from './typecheck-project.ts';
