/**
 * Writes Parquet files (zstd) with DuckDB: from a query, or from rows that
 * TypeScript produced (through a newline-delimited JSON staging file).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Row } from '../define/index.ts';
import type { Column } from '../model/index.ts';
import type { SqlSession } from './duckdb-engine.ts';
import { quoteIdent, sqlString } from './sql-quoting.ts';

/** What a Parquet file was written with: its row count and the columns a reader of it sees. */
export interface WrittenParquet {
  readonly rows: number;
  readonly schema: readonly Column[];
}

/**
 * Runs `query` and writes its result to `outputPath`. The schema recorded is
 * the written file's: what every reader of the version will see.
 */
export async function copyQueryToParquet(session: SqlSession, query: string, outputPath: string): Promise<WrittenParquet> {
  const result = await session.rows(`copy (${query}) to ${sqlString(outputPath)} (format parquet, compression zstd)`);
  const first = result[0];
  const rows = Number(first ? (Object.values(first)[0] ?? 0) : 0);
  const schema = await session.describe(`select * from read_parquet(${sqlString(outputPath)}, hive_partitioning = false)`);
  return { rows, schema };
}

/**
 * Writes rows to Parquet. With `columns`, values are cast to those DuckDB
 * types; without, DuckDB infers types from the rows.
 */
export async function writeRowsToParquet(
  session: SqlSession,
  rows: AsyncIterable<Row[]> | Iterable<Row[]>,
  columns: readonly Column[] | undefined,
  stagingPath: string,
  outputPath: string,
): Promise<WrittenParquet> {
  const jsonPath = `${stagingPath}.ndjson`;
  let count = 0;
  const out = createWriteStream(jsonPath);
  try {
    for await (const batch of rows) {
      if (batch.length === 0) continue;
      count += batch.length;
      let text = '';
      for (const row of batch) text += `${JSON.stringify(row, jsonReplacer)}\n`;
      if (!out.write(text)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    let query: string;
    if (columns && columns.length > 0) {
      const spec = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
      query =
        count === 0
          ? `select ${columns.map((c) => `cast(null as ${c.type}) as ${quoteIdent(c.name)}`).join(', ')} where false`
          : `select * from read_json(${sqlString(jsonPath)}, format = 'newline_delimited', columns = {${spec}})`;
    } else {
      query =
        count === 0
          ? 'select null::boolean as _empty where false'
          : `select * from read_json(${sqlString(jsonPath)}, format = 'newline_delimited', sample_size = -1)`;
    }
    const result = await copyQueryToParquet(session, query, outputPath);
    return { rows: count, schema: count === 0 && !columns ? [] : result.schema };
  } finally {
    out.destroy();
    await rm(jsonPath, { force: true });
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
