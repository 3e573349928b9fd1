/**
 * A sample of failing rows as the check results keep them: a few rows, key
 * columns first, then the columns the check tested, then the others (up to a
 * limit), every value made JSON-safe and long texts cut, so a result stays
 * small however wide or long the failing rows are.
 */
import type { SqlSession } from '../transform/index.ts';

export const SAMPLE_ROWS = 10;
const MAX_COLUMNS = 16;
const MAX_TEXT = 200;

/** The first rows of `query` (run after the `with` clause that names its tables). */
export async function sampleRows(session: SqlSession, withClause: string, query: string, keys: readonly string[], checked: readonly string[]): Promise<Record<string, unknown>[]> {
  const rows = await session.rows(`${withClause}\nselect * from (${query}) limit ${SAMPLE_ROWS}`);
  return rows.map((row) => {
    const present = Object.keys(row);
    const order = [...new Set([...keys, ...checked, ...present])].filter((c) => present.includes(c)).slice(0, Math.max(MAX_COLUMNS, keys.length + checked.length));
    const out: Record<string, unknown> = {};
    for (const c of order) out[c] = jsonSafe(row[c]);
    return out;
  });
}

/** A value JSON can carry without loss of meaning: dates as ISO text, big integers as text, bytes as hex. */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.subarray(0, MAX_TEXT / 2)).toString('hex');
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.slice(0, 20).map(jsonSafe);
  if (typeof value === 'object') {
    // DuckDB values with their own text form (decimals, intervals, times) print as that text.
    const text = String(value);
    if (text !== '[object Object]') return text;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}
