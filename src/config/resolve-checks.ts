/**
 * Validates the checks, key columns and contract a stream or dataset
 * declares. Columns are checked against the known columns where they are
 * known before a build (a stream's schema, a TypeScript dataset's declared
 * columns); a SQL dataset's columns are only known from its output, so a
 * check naming a column it lacks fails when it runs, with the column named.
 */
import type { CheckDefinition, CheckValue } from '../define/index.ts';
import { parseDuration } from '../partition/index.ts';
import type { Column } from '../model/index.ts';
import type { CheckModel } from './project.ts';

type Fail = (where: string, message: string, hint?: string) => never;

export interface CheckScope {
  /** `file: dataset "name"` — fields are appended to it. */
  readonly owner: string;
  readonly self: string;
  /** Known columns, or undefined when they are only known after a build. */
  readonly columns: readonly Column[] | undefined;
  /** Every stream and dataset name in the project. */
  readonly names: ReadonlySet<string>;
  readonly fail: Fail;
}

export function resolveChecks(raw: unknown, scope: CheckScope): CheckModel[] {
  if (raw === undefined) return [];
  const { fail, owner } = scope;
  if (!Array.isArray(raw))
    return fail(`${owner} field checks`, 'must be an array of checks', "write checks: [check.notNull('id'), …] with `check` imported from pond");
  const models: CheckModel[] = [];
  const seen = new Map<string, number>();
  raw.forEach((def: unknown, i) => {
    const where = (field?: string) => `${owner} field checks[${i}]${field ? `.${field}` : ''}`;
    if (typeof def !== 'object' || def === null || (def as { type?: unknown }).type !== 'check') {
      fail(where(), `is not a check: ${JSON.stringify(def) ?? String(def)}`, "make checks with pond's `check` functions, e.g. check.unique('id')");
    }
    const model = resolveOne(def as CheckDefinition, where, scope);
    const earlier = seen.get(model.name);
    if (earlier !== undefined)
      fail(where('name'), `the name "${model.name}" is already used by checks[${earlier}]`, 'give one of them its own name with { name: … }');
    seen.set(model.name, i);
    models.push(model);
  });
  return models;
}

function resolveOne(def: CheckDefinition, where: (field?: string) => string, scope: CheckScope): CheckModel {
  const { fail } = scope;
  if (def.severity !== 'error' && def.severity !== 'warn') fail(where('severity'), `must be 'error' or 'warn', got ${JSON.stringify(def.severity)}`);
  if (def.name !== undefined && (typeof def.name !== 'string' || def.name.trim() === '')) fail(where('name'), 'must be a non-empty string');
  const base = { severity: def.severity, description: def.description };
  const named = (fallback: string) => ({ ...base, name: def.name ?? fallback });
  const column = (name: unknown, field: string): string => {
    if (typeof name !== 'string' || name === '') return fail(where(field), 'must be a column name');
    if (scope.columns && !scope.columns.some((c) => c.name === name)) {
      fail(where(field), `"${name}" is not a column of ${scope.self}`, `its columns: ${scope.columns.map((c) => c.name).join(', ')}`);
    }
    return name;
  };
  const columns = (names: readonly unknown[], field: string): string[] => {
    if (!Array.isArray(names) || names.length === 0) return fail(where(field), 'must name at least one column');
    return names.map((n, i) => column(n, `${field}[${i}]`));
  };
  const literal = (value: unknown, field: string): CheckValue => {
    if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string' && typeof value !== 'boolean') {
      return fail(where(field), `must be a number, a string or a boolean, got ${JSON.stringify(value)}`);
    }
    return value as CheckValue;
  };
  const count = (value: unknown, field: string, min: number): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
      return fail(where(field), `must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
    return value;
  };

  switch (def.kind) {
    case 'not_null': {
      const cols = columns(def.columns, 'columns');
      return { ...named(`not_null(${cols.join(',')})`), kind: 'not_null', columns: cols };
    }
    case 'unique': {
      const cols = columns(def.columns, 'columns');
      return { ...named(`unique(${cols.join(',')})`), kind: 'unique', columns: cols };
    }
    case 'accepted_values': {
      const col = column(def.column, 'column');
      if (!Array.isArray(def.values) || def.values.length === 0) fail(where('values'), 'must list at least one accepted value');
      return { ...named(`accepted_values(${col})`), kind: 'accepted_values', column: col, values: def.values.map((v, i) => literal(v, `values[${i}]`)) };
    }
    case 'range': {
      const col = column(def.column, 'column');
      if (def.min === undefined && def.max === undefined) fail(where(), 'needs a min, a max or both');
      const min = def.min === undefined ? undefined : literal(def.min, 'min');
      const max = def.max === undefined ? undefined : literal(def.max, 'max');
      return { ...named(`range(${col})`), kind: 'range', column: col, min, max };
    }
    case 'row_count': {
      const min = count(def.min, 'min', 0);
      const max = count(def.max, 'max', 0);
      if (min === undefined && max === undefined) fail(where(), 'needs a min, a max or both');
      if (min !== undefined && max !== undefined && min > max) fail(where(), `min ${min} is above max ${max}`);
      return { ...named('row_count'), kind: 'row_count', min, max };
    }
    case 'freshness': {
      const col = column(def.column, 'column');
      const ms = typeof def.within === 'string' ? parseDuration(def.within) : undefined;
      if (ms === undefined || ms <= 0) return fail(where('within'), `"${String(def.within)}" is not a duration`, "write it like '30m', '2h' or '1d'");
      return { ...named(`freshness(${col})`), kind: 'freshness', column: col, withinMs: ms };
    }
    case 'relationships': {
      const col = column(def.column, 'column');
      const to = typeof def.to === 'string' ? def.to : def.to?.name;
      if (typeof to !== 'string' || !scope.names.has(to)) {
        return fail(where('to'), `unknown stream or dataset "${String(to)}"`, `known: ${[...scope.names].sort().join(', ')}`);
      }
      if (to === scope.self) fail(where('to'), 'a relationship must point to another stream or dataset');
      if (typeof def.field !== 'string' || def.field === '') fail(where('field'), `must be the column of ${to} that holds the keys`);
      return { ...named(`relationships(${col}→${to}.${def.field})`), kind: 'relationships', column: col, to, field: def.field };
    }
    case 'sql': {
      if (typeof def.sql !== 'string' || def.sql.trim() === '') fail(where('sql'), 'must be a query that returns the failing rows');
      return { ...named('sql'), kind: 'sql', sql: def.sql };
    }
    case 'volume': {
      const history = count(def.history, 'history', 2) as number;
      const minHistory = count(def.minHistory, 'minHistory', 2) as number;
      if (minHistory > history) fail(where('minHistory'), `is above history (${history})`);
      if (typeof def.deviations !== 'number' || !(def.deviations > 0))
        fail(where('deviations'), `must be a number above 0, got ${JSON.stringify(def.deviations)}`);
      return { ...named('volume'), kind: 'volume', history, minHistory, deviations: def.deviations };
    }
    default:
      return fail(where('kind'), `unknown check kind ${JSON.stringify((def as { kind?: unknown }).kind)}`);
  }
}

/** The key columns a stream or dataset declared, or `fallback`. */
export function resolveKey(raw: unknown, fallback: readonly string[], scope: CheckScope): readonly string[] {
  if (raw === undefined) return fallback;
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((c) => typeof c !== 'string' || c === '')) {
    return scope.fail(`${scope.owner} field key`, 'must be a non-empty array of column names');
  }
  for (const c of raw as string[]) {
    if (scope.columns && !scope.columns.some((col) => col.name === c)) scope.fail(`${scope.owner} field key`, `"${c}" is not a column of ${scope.self}`);
  }
  return raw as string[];
}

/** A dataset's contract as a check: required columns and their types. */
export function resolveContract(raw: unknown, scope: CheckScope): CheckModel | undefined {
  if (raw === undefined) return undefined;
  const where = `${scope.owner} field contract`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    return scope.fail(where, 'must be an object of { column: DuckDB type }', "e.g. contract: { user_id: 'VARCHAR', revenue: 'DECIMAL(18,2)' }");
  }
  const columns = Object.entries(raw as Record<string, unknown>).map(([name, type]) => {
    if (typeof type !== 'string' || type.trim() === '') scope.fail(`${where}.${name}`, `must be a DuckDB type name, got ${JSON.stringify(type)}`);
    return { name, type: type as string };
  });
  return { name: 'contract', severity: 'error', description: 'the columns and types the dataset promises', kind: 'contract', columns };
}
