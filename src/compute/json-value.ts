/**
 * A DuckDB value (as `@duckdb/node-api`'s JS converter gives it) as plain
 * JSON: integers that fit stay numbers and bigger ones become strings,
 * times become ISO 8601 text, bytes become base64, nested values recurse.
 * With limits, long texts and lists are cut (for samples that must stay small).
 *
 * @example
 * jsonValue(42n) // 42
 * jsonValue(2n ** 70n) // '1180591620717411303424'
 * jsonValue(new Date(0)) // '1970-01-01T00:00:00.000Z'
 * jsonValue('abcdef', { maxText: 3 }) // 'abc…'
 */
export function jsonValue(value: unknown, limits: JsonLimits = {}): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : cut(value.toString(), limits);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return cut(value, limits);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return cut(Buffer.from(value).toString('base64'), limits);
  if (Array.isArray(value)) return (limits.maxItems === undefined ? value : value.slice(0, limits.maxItems)).map((v) => jsonValue(v, limits));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonValue(v, limits);
    return out;
  }
  return value;
}

export interface JsonLimits {
  /** Longest text kept, in characters; longer texts end with `…`. */
  readonly maxText?: number;
  /** Most items of a list kept. */
  readonly maxItems?: number;
}

function cut(text: string, limits: JsonLimits): string {
  return limits.maxText !== undefined && text.length > limits.maxText ? `${text.slice(0, limits.maxText)}…` : text;
}
