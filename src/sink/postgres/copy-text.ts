/**
 * A row in PostgreSQL's COPY text format: fields separated by tabs, rows
 * ended by a newline, NULL as `\N`, and a backslash, newline, carriage return
 * or tab inside a value written as `\\`, `\n`, `\r`, `\t`. The server applies
 * each column type's input function to the de-escaped text, exactly as it does
 * to a parameter bound as text, so a value stores the same either way.
 *
 * The values are what the `postgres` dialect of `sinkColumn` reads: text for
 * exact and temporal types and JSON, JS numbers for small integers and
 * floats, booleans, and bytes for BLOB.
 *
 * @example
 * copyLine(['a\tb', null, 42, true, new Uint8Array([0, 255])]);
 * // 'a\\tb\t\\N\t42\tt\t\\\\x00ff\n'
 */
import { PondError } from '../../errors/index.ts';

/** Characters COPY's text format must escape, and NUL, which PostgreSQL text cannot hold. */
const SPECIAL = /[\\\n\r\t\0]/;
const SPECIAL_ALL = /[\\\n\r\t\0]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One row (its fields in the COPY statement's column order) as a line of COPY text. */
export function copyLine(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : '\t') + copyField(values[i]);
  return `${line}\n`;
}

/** One value as a COPY text field. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, escape) : value;
  // The same text `pg` sends for a bound number or bigint (`toString()`): NaN and ±Infinity included.
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // bytea's hex input `\x…`, its backslash escaped for COPY.
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  // The postgres dialect reads nested values as JSON text; an object here is a bug, not data.
  throw new PondError('INTERNAL', `cannot write a ${Object.prototype.toString.call(value).slice(8, -1)} value to PostgreSQL COPY`, {
    hint: 'sinkColumn() should read it as text for the postgres dialect',
  });
}

function escape(ch: string): string {
  const escaped = ESCAPES[ch];
  if (escaped !== undefined) return escaped;
  throw new PondError('BAD_INPUT', 'a text value holds the NUL character (\\u0000), which PostgreSQL text cannot store', {
    hint: "remove it in the dataset's SQL, e.g. replace(col, chr(0), '')",
  });
}
