/**
 * The SQL parser `classifyProject` uses: DuckDB's `json_serialize_sql`, on
 * one session for every dataset (about a millisecond per query).
 */
import { sqlString, type SqlSession } from '../compute/index.ts';
import type { SqlParser } from './classify-project.ts';

/**
 * @example
 * const parse = duckdbSqlParser(await engine.connect());
 * await parse('select 1'); // { error: false, statements: [ … ] }
 */
export function duckdbSqlParser(session: Pick<SqlSession, 'rows'>): SqlParser {
  return async (sql) => {
    const [row] = await session.rows(`select json_serialize_sql(${sqlString(sql)}) as ast`);
    return JSON.parse(String(row?.ast ?? '{"error":true}')) as unknown;
  };
}
