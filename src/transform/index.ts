/**
 * Running transformations: DuckDB SQL and TypeScript functions over a build's
 * input views. DuckDB itself (the engine, sessions, Parquet writing, SQL
 * quoting) is compute/'s.
 */
export { runTransform, type TransformJob } from './run-transform.ts';
export { createInputViews, inputQuery, partitionQuery, withoutForgotten } from './input-views.ts';
export { decryptedInputQuery } from './decrypted-input.ts';
export { forgottenTable } from './forgotten-table.ts';
export type { InputBinding, ForgottenRows, DecryptedColumns, PartitionWindow, BuildOutput } from './types.ts';
