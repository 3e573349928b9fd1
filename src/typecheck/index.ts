/** Typechecking a project's files (what `pond check` runs); loads the TypeScript compiler, so only `pond check` imports it. */
export { typecheckProject, type TypeDiagnostic, type TypecheckResult } from './typecheck-project.ts';
