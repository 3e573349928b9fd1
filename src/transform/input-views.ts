/**
 * Binds a build's inputs as temporary views on one DuckDB connection: each
 * input reads exactly the files of the current versions it was given, and
 * `pond_partition` describes the partition being built.
 */
import { quoteIdent } from '../schema/index.ts';
import { sqlList, sqlString, type SqlSession } from './duckdb-engine.ts';
import type { InputBinding, PartitionWindow } from './types.ts';

export async function createInputViews(session: SqlSession, inputs: readonly InputBinding[], window: PartitionWindow): Promise<void> {
  await session.defineViews([...inputs.map((input) => ({ name: input.alias, query: inputQuery(input) })), { name: 'pond_partition', query: partitionQuery(window) }]);
}

/** The one row of `pond_partition`: the key, start and end of the partition being built. */
export function partitionQuery(window: PartitionWindow): string {
  const ts = (ms: number | null) => (ms === null ? 'null::timestamptz' : `to_timestamp(${ms / 1000})`);
  return `select ${sqlString(window.key)} as key, ${ts(window.start)} as start, ${ts(window.end)} as "end"`;
}

/** A query over an input's files; an input with no files still has its columns. */
export function inputQuery(input: Pick<InputBinding, 'files' | 'columns' | 'sameSchema'>): string {
  if (input.files.length > 0) {
    const byName = input.sameSchema === true || input.files.length === 1 ? '' : ', union_by_name = true';
    return `select * from read_parquet(${sqlList(input.files)}${byName}, hive_partitioning = false)`;
  }
  if (input.columns.length === 0) return 'select null as _empty where false';
  return `select ${input.columns.map((c) => `cast(null as ${c.type}) as ${quoteIdent(c.name)}`).join(', ')} where false`;
}
