/**
 * A DuckDB value (as `@duckdb/node-api`'s JS converter gives it) as plain
 * JSON: integers that fit stay numbers and bigger ones become strings,
 * times become ISO 8601 text, bytes become base64, nested values recurse.
 *
 * @example
 * jsonValue(42n) // 42
 * jsonValue(2n ** 70n) // '1180591620717411303424'
 * jsonValue(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function jsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonValue(v);
    return out;
  }
  return value;
}
