/**
 * Comparing a version's columns with what is expected of it: the columns of
 * the version before it (a dropped or retyped column is reported), and a
 * dataset's contract (a missing or retyped column quarantines the version).
 * DuckDB type names are compared after folding their aliases.
 */
import type { Column } from '../model/index.ts';

const ALIASES: Record<string, string> = {
  INT: 'INTEGER',
  INT4: 'INTEGER',
  SIGNED: 'INTEGER',
  INT8: 'BIGINT',
  LONG: 'BIGINT',
  INT2: 'SMALLINT',
  SHORT: 'SMALLINT',
  INT1: 'TINYINT',
  FLOAT8: 'DOUBLE',
  FLOAT4: 'FLOAT',
  REAL: 'FLOAT',
  BOOL: 'BOOLEAN',
  LOGICAL: 'BOOLEAN',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  CHAR: 'VARCHAR',
  BPCHAR: 'VARCHAR',
  TIMESTAMPTZ: 'TIMESTAMP WITH TIME ZONE',
  DATETIME: 'TIMESTAMP',
  NUMERIC: 'DECIMAL',
  BYTEA: 'BLOB',
};

/** A DuckDB type name in one spelling: upper case, aliases folded, `DECIMAL` = `DECIMAL(18,3)`. */
export function normalizeType(type: string): string {
  const t = type
    .trim()
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1');
  const base = t.match(/^[A-Z0-9 ]+/)?.[0]?.trim() ?? t;
  const rest = t.slice(base.length);
  const folded = ALIASES[base] ?? base;
  if (folded === 'DECIMAL' && rest === '') return 'DECIMAL(18,3)';
  return `${folded}${rest}`;
}

export interface SchemaChange {
  readonly column: string;
  readonly change: 'dropped' | 'retyped' | 'added';
  readonly from?: string;
  readonly to?: string;
}

/** What changed from `previous` to `next`, column by column. */
export function schemaChanges(previous: readonly Column[], next: readonly Column[]): SchemaChange[] {
  const before = new Map(previous.map((c) => [c.name, c.type]));
  const after = new Map(next.map((c) => [c.name, c.type]));
  const changes: SchemaChange[] = [];
  for (const [name, type] of before) {
    const now = after.get(name);
    if (now === undefined) changes.push({ column: name, change: 'dropped', from: type });
    else if (normalizeType(now) !== normalizeType(type)) changes.push({ column: name, change: 'retyped', from: type, to: now });
  }
  for (const [name, type] of after) if (!before.has(name)) changes.push({ column: name, change: 'added', to: type });
  return changes;
}

/** How `actual` breaks a contract: its missing and retyped columns (none when it keeps it). */
export function contractViolations(contract: readonly Column[], actual: readonly Column[]): SchemaChange[] {
  const have = new Map(actual.map((c) => [c.name, c.type]));
  const out: SchemaChange[] = [];
  for (const c of contract) {
    const type = have.get(c.name);
    if (type === undefined) out.push({ column: c.name, change: 'dropped', from: c.type });
    else if (normalizeType(type) !== normalizeType(c.type)) out.push({ column: c.name, change: 'retyped', from: c.type, to: type });
  }
  return out;
}

export function describeChange(c: SchemaChange): string {
  switch (c.change) {
    case 'dropped':
      return `${c.column} (${c.from}) is missing`;
    case 'retyped':
      return `${c.column} is ${c.to}, was ${c.from}`;
    case 'added':
      return `${c.column} (${c.to}) is new`;
  }
}
