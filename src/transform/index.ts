/** Running transformations: DuckDB SQL and TypeScript functions, and writing Parquet. */
export { openEngine, sqlString, sqlList, type Engine, type SqlSession } from './duckdb-engine.ts';
export { runTransform, type TransformJob } from './run-transform.ts';
export { createInputViews, inputQuery, partitionQuery, withoutForgotten } from './input-views.ts';
export { forgottenTable } from './forgotten-table.ts';
export { copyQueryToParquet, writeRowsToParquet } from './write-parquet.ts';
export type { InputBinding, ForgottenRows, DecryptedColumns, PartitionWindow, BuildOutput } from './types.ts';
export { jsonValue, type JsonLimits } from './json-value.ts';
