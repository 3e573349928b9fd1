/**
 * The typed columns of a raw stream, projected from its JSON Schema: each
 * top-level property becomes a DuckDB column (nested objects become STRUCTs,
 * arrays LISTs), so that SQL over raw data reads naturally. The original event
 * is kept beside them, unchanged, in `_raw`.
 */
import { quoteIdent } from '../compute/index.ts';
import type { Column } from '../model/index.ts';

type Schema = Record<string, unknown>;

/** Columns every raw stream has, after its projected properties. */
export const RAW_META_COLUMNS: readonly Column[] = Object.freeze([
  { name: '_event_time', type: 'TIMESTAMP WITH TIME ZONE' },
  { name: '_received_at', type: 'TIMESTAMP WITH TIME ZONE' },
  { name: '_message_id', type: 'VARCHAR' },
  /** The source (write key) that sent it, or the file `pond load` read. */
  { name: '_source', type: 'VARCHAR' },
  /** Client IP (truncated when `collect.truncateIp` is on). */
  { name: '_ip', type: 'VARCHAR' },
  { name: '_user_agent', type: 'VARCHAR' },
  { name: '_ua', type: 'STRUCT(browser VARCHAR, browser_version VARCHAR, os VARCHAR, os_version VARCHAR, device VARCHAR)' },
  { name: '_raw', type: 'VARCHAR' },
]);

/**
 * @example
 * projectColumns({ type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } } })
 * // [{ name: 'id', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }]
 */
export function projectColumns(schema: Schema): Column[] {
  const properties = new Map<string, string>();
  for (const branch of [schema, ...branches(schema)]) {
    const props = branch.properties;
    if (!isObject(props)) continue;
    for (const [name, sub] of Object.entries(props)) {
      const type = isObject(sub) ? duckType(sub) : 'JSON';
      const seen = properties.get(name);
      // Branches that disagree on a type keep the value as JSON rather than lose it.
      properties.set(name, seen === undefined || seen === type ? type : 'JSON');
    }
  }
  return [...properties].filter(([name]) => !name.startsWith('_')).map(([name, type]) => ({ name, type }));
}

const TIMESTAMP = 'TIMESTAMP WITH TIME ZONE';

/**
 * Where the columns of `schema` hold timestamps (strings of `format:
 * date-time`, TIMESTAMP WITH TIME ZONE in the lake), top-level and nested, as
 * paths: property names, and `[]` for the items of a list.
 *
 * @example
 * timestampPaths({ type: 'object', properties: { at: { type: 'string', format: 'date-time' },
 *   visits: { type: 'array', items: { type: 'object', properties: { start: { type: 'string', format: 'date-time' } } } } } })
 * // [['at'], ['visits', '[]', 'start']]
 */
export function timestampPaths(schema: Schema): string[][] {
  const columns = new Map(projectColumns(schema).map((c) => [c.name, c.type]));
  const out: string[][] = [];
  const done = new Set<string>();
  for (const branch of [schema, ...branches(schema)]) {
    const props = branch.properties;
    if (!isObject(props)) continue;
    for (const [name, sub] of Object.entries(props)) {
      // The branch whose type the column has (branches that disagree make it JSON, which holds any text).
      if (done.has(name) || !isObject(sub) || columns.get(name) !== duckType(sub)) continue;
      done.add(name);
      collectTimestamps(sub, [name], out);
    }
  }
  return out;
}

function collectTimestamps(schema: Schema, path: readonly string[], out: string[][]): void {
  const type = duckType(schema);
  if (type === TIMESTAMP) {
    out.push([...path]);
  } else if (type.startsWith('STRUCT(') && isObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) if (isObject(sub)) collectTimestamps(sub, [...path, name], out);
  } else if (type.endsWith('[]') && isObject(schema.items)) {
    collectTimestamps(schema.items, [...path, '[]'], out);
  }
}

/**
 * Whether DuckDB reads `text` as a TIMESTAMP WITH TIME ZONE. JSON Schema's
 * `date-time` (RFC 3339) also allows a lowercase `t` or `z` and a leap second
 * (`23:59:60`), which DuckDB refuses: an event holding one is told so on
 * receipt, rather than accepted and then refused by the lake.
 *
 * @example
 * isStorableTimestamp('2026-11-23T19:04:05Z') // true
 * isStorableTimestamp('2026-11-23t19:04:05z') // false
 */
export function isStorableTimestamp(text: string): boolean {
  return STORABLE_TIMESTAMP.test(text);
}

const STORABLE_TIMESTAMP = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:[0-5]\d(?:\.\d+)?(?:Z|[+-]\d\d(?::?\d\d)?)?$/;

function branches(schema: Schema): Schema[] {
  const out: Schema[] = [];
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const list = schema[keyword];
    if (Array.isArray(list)) for (const s of list) if (isObject(s)) out.push(s, ...branches(s));
  }
  return out;
}

function duckType(schema: Schema): string {
  let type = schema.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    if (nonNull.length !== 1) return 'JSON';
    type = nonNull[0];
  }
  if (type === undefined && 'const' in schema) type = typeof schema.const === 'number' ? 'number' : typeof schema.const;
  if (type === undefined && Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) type = 'string';
  switch (type) {
    case 'string':
      return schema.format === 'date-time' ? TIMESTAMP : 'VARCHAR';
    case 'integer':
      return 'BIGINT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'object': {
      const props = schema.properties;
      if (!isObject(props) || Object.keys(props).length === 0) return 'JSON';
      const fields = Object.entries(props).map(([name, sub]) => `${quoteIdent(name)} ${isObject(sub) ? duckType(sub) : 'JSON'}`);
      return `STRUCT(${fields.join(', ')})`;
    }
    case 'array':
      return isObject(schema.items) ? `${duckType(schema.items)}[]` : 'JSON';
    default:
      return 'JSON';
  }
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
