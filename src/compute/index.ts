/**
 * The compute role: DuckDB in this process. Opening the engine and its
 * sessions, writing Parquet, turning DuckDB values into JSON, and quoting the
 * SQL Pond writes. It knows nothing of datasets, streams or transformations:
 * transform/, land/, quality/ and the others bring the SQL.
 */
export { openEngine, type Engine, type SqlSession, type RowOptions } from './duckdb-engine.ts';
export { quoteIdent, sqlList, sqlString } from './sql-quoting.ts';
export { copyQueryToParquet, writeRowsToParquet, type WrittenParquet } from './write-parquet.ts';
export { jsonValue, type JsonLimits } from './json-value.ts';
