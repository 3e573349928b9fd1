/**
 * Runs the checks of one stream or dataset on one new version, in DuckDB,
 * before the version becomes current.
 *
 * Checks on single rows and on the whole version (not null, accepted values,
 * range, row count, freshness) share ONE scan of the version's files, as
 * filtered aggregates; unique, relationships and custom SQL run a query each.
 * Only a failing check reads its sample of failing rows. A check that cannot
 * run (a column it names is missing, its SQL is wrong) is an `error` result,
 * which counts as a failure: a version nobody could check is not trusted.
 */
import type { CheckModel } from '../config/index.ts';
import { formatDuration, formatInstant, type CheckValue } from '../define/index.ts';
import { quoteIdent } from '../schema/index.ts';
import type { Column, NewCheckResult } from '../state/index.ts';
import { createInputViews, sqlString, type PartitionWindow, type SqlSession } from '../transform/index.ts';
import { contractViolations, describeChange, schemaChanges } from './schema-changes.ts';
import { sampleRows } from './sample-rows.ts';
import { volumeVerdict } from './volume.ts';

/** The version under check. */
export interface CheckTarget {
  /** The stream or dataset: the view name its checks' SQL uses. */
  readonly name: string;
  readonly idx: number;
  readonly key: string;
  readonly versionId: string;
  /** Local paths of the version's files. */
  readonly files: readonly string[];
  readonly columns: readonly Column[];
  readonly rows: number;
  readonly window: PartitionWindow;
  /** Columns of the version it replaces, to report dropped and retyped columns. */
  readonly previousColumns: readonly Column[] | undefined;
  readonly keyColumns: readonly string[];
  readonly runId: string | null;
}

/** What checks need besides the version itself. */
export interface CheckEnvironment {
  readonly session: SqlSession;
  /** Row counts of up to `count` earlier partitions (or earlier versions, when unpartitioned), newest last. */
  history(count: number): Promise<number[]>;
  /** Files and columns of the current versions of another stream or dataset. */
  relation(name: string): Promise<{ files: readonly string[]; columns: readonly Column[] }>;
  readonly now: number;
}

export interface CheckOutcome {
  readonly results: NewCheckResult[];
  /** Failed `error` checks: the version must not become current. */
  readonly blocking: NewCheckResult[];
}

type Verdict = Pick<NewCheckResult, 'status' | 'observed' | 'threshold' | 'failingRows' | 'message'> & { sample?: NewCheckResult['sample'] };

export async function evaluateChecks(env: CheckEnvironment, target: CheckTarget, checks: readonly CheckModel[]): Promise<CheckOutcome> {
  const results: NewCheckResult[] = [];
  const record = (check: { name: string; kind: string; severity: CheckModel['severity'] }, verdict: Verdict) =>
    results.push({
      dataset: target.name,
      idx: target.idx,
      key: target.key,
      versionId: target.versionId,
      check: check.name,
      kind: check.kind,
      severity: check.severity,
      status: verdict.status,
      observed: verdict.observed,
      threshold: verdict.threshold,
      failingRows: verdict.failingRows,
      sample: verdict.sample ?? [],
      keyColumns: target.keyColumns,
      message: verdict.message,
      runId: target.runId,
      checkedAt: env.now,
    });

  const drift = target.previousColumns ? schemaChanges(target.previousColumns, target.columns) : [];
  if (drift.some((c) => c.change !== 'added')) {
    record({ name: 'schema_change', kind: 'schema', severity: 'warn' }, {
      status: 'fail',
      observed: drift.map(describeChange).join('; '),
      threshold: 'no column dropped or retyped',
      failingRows: 0,
      message: 'the columns changed from the version before; readers of the dropped or retyped columns may break',
    });
  }
  if (checks.length === 0) return { results, blocking: [] };

  await createInputViews(env.session, [{ alias: target.name, files: target.files, columns: target.columns, sameSchema: target.files.length <= 1 }], target.window);
  const view = quoteIdent(target.name);
  const scanned = await scanAggregates(env.session, view, checks);
  for (const check of checks) {
    try {
      record(check, await verdictOf(env, target, view, check, scanned));
    } catch (error) {
      record(check, { status: 'error', observed: null, threshold: null, failingRows: 0, message: `the check could not run: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  return { results, blocking: results.filter((r) => r.severity === 'error' && r.status !== 'pass') };
}

/** The aggregate expressions of the checks answered by the shared scan, by check name. */
function aggregatesOf(check: CheckModel): Record<string, string> | undefined {
  const q = quoteIdent;
  switch (check.kind) {
    case 'not_null':
      return { failing: `count(*) filter (where ${check.columns.map((c) => `${q(c)} is null`).join(' or ')})` };
    case 'accepted_values':
      return { failing: `count(*) filter (where ${acceptedFilter(check.column, check.values)})` };
    case 'range':
      return { failing: `count(*) filter (where ${rangeFilter(check.column, check.min, check.max)})`, low: `min(${q(check.column)})::varchar`, high: `max(${q(check.column)})::varchar` };
    case 'row_count':
    case 'volume':
      return { rows: 'count(*)' };
    case 'freshness':
      return { newest: `epoch_ms(max(try_cast(${q(check.column)} as timestamptz)))`, present: `count(${q(check.column)})` };
    default:
      return undefined;
  }
}

type Scan = Map<string, Record<string, unknown> | Error>;

/** One scan for every check it can answer; a check whose expression fails gets its own error. */
async function scanAggregates(session: SqlSession, view: string, checks: readonly CheckModel[]): Promise<Scan> {
  const parts: Array<{ check: string; field: string; expr: string }> = [];
  for (const check of checks) {
    for (const [field, expr] of Object.entries(aggregatesOf(check) ?? {})) parts.push({ check: check.name, field, expr });
  }
  const out: Scan = new Map();
  if (parts.length === 0) return out;
  const run = async (subset: typeof parts) => {
    const [row] = await session.rows(`select ${subset.map((p, i) => `${p.expr} as a${i}`).join(', ')} from ${view}`);
    subset.forEach((p, i) => {
      const into = out.get(p.check);
      const values = into instanceof Error || into === undefined ? {} : into;
      values[p.field] = row?.[`a${i}`];
      out.set(p.check, values);
    });
  };
  try {
    await run(parts);
  } catch {
    // Some expression does not bind (a column is missing): find which, check by check.
    for (const name of new Set(parts.map((p) => p.check))) {
      try {
        await run(parts.filter((p) => p.check === name));
      } catch (error) {
        out.set(name, error as Error);
      }
    }
  }
  return out;
}

async function verdictOf(env: CheckEnvironment, target: CheckTarget, view: string, check: CheckModel, scan: Scan): Promise<Verdict> {
  const q = quoteIdent;
  const scanned = scan.get(check.name);
  if (scanned instanceof Error) throw scanned;
  const num = (field: string) => Number(scanned?.[field] ?? 0);
  const sample = (where: string, first: readonly string[]) => sampleRows(env.session, `select * from ${view} where ${where}`, target.keyColumns, first);
  const rowsVerdict = async (failing: number, threshold: string, where: string, first: readonly string[]): Promise<Verdict> =>
    failing === 0
      ? { status: 'pass', observed: '0 rows', threshold, failingRows: 0, message: null }
      : { status: 'fail', observed: `${failing} ${failing === 1 ? 'row' : 'rows'}`, threshold, failingRows: failing, message: null, sample: await sample(where, first) };

  switch (check.kind) {
    case 'not_null':
      return rowsVerdict(num('failing'), 'no nulls', check.columns.map((c) => `${q(c)} is null`).join(' or '), check.columns);
    case 'accepted_values':
      return rowsVerdict(num('failing'), `one of ${check.values.map((v) => JSON.stringify(v)).join(', ')}`, acceptedFilter(check.column, check.values), [check.column]);
    case 'range': {
      const verdict = await rowsVerdict(num('failing'), [check.min === undefined ? '' : `≥ ${check.min}`, check.max === undefined ? '' : `≤ ${check.max}`].filter(Boolean).join(' and '), rangeFilter(check.column, check.min, check.max), [check.column]);
      return verdict.status === 'pass' ? verdict : { ...verdict, observed: `${verdict.observed} (min ${String(scanned?.low)}, max ${String(scanned?.high)})` };
    }
    case 'row_count': {
      const rows = num('rows');
      const ok = (check.min === undefined || rows >= check.min) && (check.max === undefined || rows <= check.max);
      const threshold = [check.min === undefined ? '' : `≥ ${check.min}`, check.max === undefined ? '' : `≤ ${check.max}`].filter(Boolean).join(' and ');
      return { status: ok ? 'pass' : 'fail', observed: `${rows} rows`, threshold, failingRows: 0, message: null };
    }
    case 'freshness': {
      const threshold = `newest within ${formatDuration(check.withinMs)} of ${target.window.end === null ? 'the check' : 'the window end (or the check, while it is open)'}`;
      const reference = target.window.end === null ? env.now : Math.min(target.window.end, env.now);
      if (num('present') === 0) return { status: 'fail', observed: `no ${check.column} values`, threshold, failingRows: 0, message: 'nothing to measure freshness by' };
      const newest = num('newest');
      const age = reference - newest;
      return { status: age <= check.withinMs ? 'pass' : 'fail', observed: `newest ${formatInstant(newest)}, ${formatDuration(Math.max(0, age))} before ${formatInstant(reference)}`, threshold, failingRows: 0, message: null };
    }
    case 'unique': {
      const cols = check.columns.map(q).join(', ');
      const dups = `select ${cols}, count(*) as _pond_count from ${view} group by all having count(*) > 1`;
      const [row] = await env.session.rows(`select count(*) as keys, coalesce(sum(_pond_count), 0) as rows from (${dups})`);
      const keys = Number(row?.keys ?? 0);
      const rows = Number(row?.rows ?? 0);
      if (keys === 0) return { status: 'pass', observed: 'no duplicates', threshold: 'no duplicates', failingRows: 0, message: null };
      const join = check.columns.map((c) => `v.${q(c)} is not distinct from d.${q(c)}`).join(' and ');
      const failing = `select v.* from ${view} v join (${dups}) d on ${join} order by ${check.columns.map((c) => `v.${q(c)}`).join(', ')}`;
      return {
        status: 'fail',
        observed: `${keys} duplicated ${keys === 1 ? 'key' : 'keys'} in ${rows} rows`,
        threshold: 'no duplicates',
        failingRows: rows,
        message: null,
        sample: await sampleRows(env.session, failing, target.keyColumns, check.columns),
      };
    }
    case 'relationships': {
      const other = await env.relation(check.to);
      await env.session.defineViews([{ name: '_pond_relation', query: relationQuery(other.files, other.columns, check.field) }]);
      const where = `${q(check.column)} is not null and ${q(check.column)} not in (select _pond_key from _pond_relation where _pond_key is not null)`;
      const [row] = await env.session.rows(`select count(*) as n from ${view} where ${where}`);
      return rowsVerdict(Number(row?.n ?? 0), `every ${check.column} in ${check.to}.${check.field}`, where, [check.column]);
    }
    case 'sql': {
      const [row] = await env.session.rows(`select count(*) as n from (${check.sql})`);
      const failing = Number(row?.n ?? 0);
      if (failing === 0) return { status: 'pass', observed: '0 rows', threshold: 'no rows returned', failingRows: 0, message: null };
      return { status: 'fail', observed: `${failing} ${failing === 1 ? 'row' : 'rows'}`, threshold: 'no rows returned', failingRows: failing, message: null, sample: await sampleRows(env.session, `select * from (${check.sql})`, target.keyColumns, []) };
    }
    case 'volume': {
      const rows = num('rows');
      const history = await env.history(check.history);
      if (history.length < check.minHistory) {
        return { status: 'pass', observed: `${rows} rows`, threshold: `needs ${check.minHistory} earlier partitions, has ${history.length}`, failingRows: 0, message: 'not enough history yet: passed without judging' };
      }
      const v = volumeVerdict(rows, history, check.deviations);
      const threshold = `${round(v.low)}–${round(v.high)} rows (median ${round(v.median)} of ${history.length} earlier ± ${check.deviations} × ${round(v.spread)})`;
      return { status: v.anomalous ? 'fail' : 'pass', observed: `${rows} rows`, threshold, failingRows: 0, message: null };
    }
    case 'contract': {
      const broken = contractViolations(check.columns, target.columns);
      const threshold = check.columns.map((c) => `${c.name} ${c.type}`).join(', ');
      if (broken.length === 0) return { status: 'pass', observed: 'kept', threshold, failingRows: 0, message: null };
      const observed = broken.map((c) => (c.change === 'dropped' ? `${c.column} is missing` : `${c.column} is ${c.to}, the contract says ${c.from}`)).join('; ');
      return { status: 'fail', observed, threshold, failingRows: 0, message: 'the version breaks the dataset’s contract' };
    }
  }
}

/** The keys of another stream or dataset, from the files of its current versions. */
function relationQuery(files: readonly string[], columns: readonly Column[], field: string): string {
  if (files.length === 0) {
    const type = columns.find((c) => c.name === field)?.type ?? 'VARCHAR';
    return `select cast(null as ${type}) as _pond_key where false`;
  }
  return `select distinct ${quoteIdent(field)} as _pond_key from read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true, hive_partitioning = false)`;
}

function literal(value: CheckValue): string {
  if (typeof value === 'string') return sqlString(value);
  return String(value);
}

function acceptedFilter(column: string, values: readonly CheckValue[]): string {
  return `${quoteIdent(column)} is not null and ${quoteIdent(column)} not in (${values.map(literal).join(', ')})`;
}

function rangeFilter(column: string, min: CheckValue | undefined, max: CheckValue | undefined): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${quoteIdent(column)} < ${literal(min)}`);
  if (max !== undefined) parts.push(`${quoteIdent(column)} > ${literal(max)}`);
  return parts.join(' or ');
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}


