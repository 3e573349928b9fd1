/**
 * How a DuckDB column becomes a column of a sink: its type in the target
 * database, and the DuckDB expression that reads it in a form the target's
 * driver binds without loss. Exact types travel as text (DECIMAL, BIGINT,
 * timestamps) and the target database parses them into its own type, so
 * nothing passes through a JavaScript double on the way.
 */
import { quoteIdent } from '../compute/index.ts';
import type { Column } from '../model/index.ts';

/** `postgres` and `sqlite` are tables; `json` is what a webhook sends. */
export type SinkDialect = 'postgres' | 'sqlite' | 'json';

export interface SinkColumn {
  readonly name: string;
  /** The column's type in the target (`numeric(18,2)`, `TEXT` …); empty for `json`. */
  readonly sqlType: string;
  /** A DuckDB expression reading the column for the target. */
  readonly select: string;
}

/** The columns a table sink adds to every row: which partition, and which version of it. */
export const PARTITION_COLUMN = '_pond_partition';
export const VERSION_COLUMN = '_pond_version';

const NESTED = /\[\d*\]$|^(STRUCT|MAP|UNION)\(/;

/**
 * @example
 * sinkColumn({ name: 'revenue', type: 'DECIMAL(18,2)' }, 'postgres');
 * // { name: 'revenue', sqlType: 'numeric(18,2)', select: 'CAST("revenue" AS VARCHAR)' }
 */
export function sinkColumn(column: Column, dialect: SinkDialect): SinkColumn {
  const id = quoteIdent(column.name);
  const type = column.type.toUpperCase();
  const text = `CAST(${id} AS VARCHAR)`;
  const iso = (format: string) => `strftime(${id}, '${format}')`;
  const pick = (postgres: string, sqlite: string, select: { postgres?: string; sqlite?: string; json?: string } = {}): SinkColumn => ({
    name: column.name,
    sqlType: dialect === 'postgres' ? postgres : dialect === 'sqlite' ? sqlite : '',
    select: select[dialect] ?? id,
  });
  if (NESTED.test(type) || type === 'JSON')
    return pick('jsonb', 'TEXT', { postgres: `CAST(to_json(${id}) AS VARCHAR)`, sqlite: `CAST(to_json(${id}) AS VARCHAR)` });
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return pick(`numeric(${decimal[1]},${decimal[2]})`, 'NUMERIC', { postgres: text, sqlite: text, json: text });
  switch (type) {
    case 'BOOLEAN':
      // better-sqlite3 binds no booleans; SQLite has none either.
      return pick('boolean', 'INTEGER', { sqlite: `CAST(${id} AS INTEGER)` });
    case 'TINYINT':
    case 'SMALLINT':
    case 'UTINYINT':
      return pick('smallint', 'INTEGER');
    case 'INTEGER':
    case 'USMALLINT':
      return pick('integer', 'INTEGER');
    case 'BIGINT':
    case 'UINTEGER':
      return pick('bigint', 'INTEGER', { postgres: text });
    case 'UBIGINT':
    case 'HUGEINT':
    case 'UHUGEINT':
      return pick('numeric(39,0)', 'INTEGER', { postgres: text, sqlite: text, json: text });
    case 'FLOAT':
      return pick('real', 'REAL');
    case 'DOUBLE':
      return pick('double precision', 'REAL');
    case 'TIMESTAMP WITH TIME ZONE':
    case 'TIMESTAMPTZ':
      return pick('timestamptz', 'TEXT', { postgres: text, sqlite: iso('%Y-%m-%dT%H:%M:%S.%fZ'), json: iso('%Y-%m-%dT%H:%M:%S.%fZ') });
    case 'TIMESTAMP':
    case 'TIMESTAMP_MS':
    case 'TIMESTAMP_S':
    case 'TIMESTAMP_NS':
      return pick('timestamp', 'TEXT', { postgres: text, sqlite: iso('%Y-%m-%dT%H:%M:%S.%f'), json: iso('%Y-%m-%dT%H:%M:%S.%f') });
    case 'DATE':
      return pick('date', 'TEXT', { postgres: text, sqlite: text, json: text });
    case 'TIME':
      return pick('time', 'TEXT', { postgres: text, sqlite: text, json: text });
    case 'INTERVAL':
      return pick('interval', 'TEXT', { postgres: text, sqlite: text, json: text });
    case 'UUID':
      return pick('uuid', 'TEXT', { postgres: text, sqlite: text, json: text });
    case 'BLOB':
      return pick('bytea', 'BLOB', { json: `to_base64(${id})` });
    default:
      // VARCHAR, ENUMs and anything else: its text.
      return pick('text', 'TEXT', { postgres: text, sqlite: text, json: text });
  }
}
