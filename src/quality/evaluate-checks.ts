/**
 * Runs the checks of one stream or dataset on one new version, in DuckDB,
 * before the version becomes current.
 *
 * Every check that runs SQL contributes expressions to ONE statement: the
 * version is a CTE under the stream's or dataset's name (so custom SQL can
 * name it), filtered aggregates answer not null, accepted values, range, row
 * count and freshness in one scan, and scalar subqueries answer unique,
 * relationships and custom SQL. Checks are cheap when they pass: one round
 * trip, no views to create and drop. Only a failing check reads its sample
 * of failing rows. A check that cannot run (a column it names is missing,
 * its SQL is wrong) is an `error` result, which counts as a failure: a
 * version nobody could check is not trusted.
 */
import type { CheckModel } from '../config/index.ts';
import type { CheckValue } from '../define/index.ts';
import { formatDuration, formatInstant } from '../partition/index.ts';
import { quoteIdent, sqlString, type SqlSession } from '../compute/index.ts';
import type { Column } from '../model/index.ts';
import type { NewCheckResult } from '../state/index.ts';
import { inputQuery, partitionQuery, type PartitionWindow } from '../transform/index.ts';
import { contractViolations, describeChange, schemaChanges } from './schema-changes.ts';
import { sampleRows } from './sample-rows.ts';
import { volumeVerdict } from './volume.ts';

/** The version under check. */
export interface CheckTarget {
  /** The stream or dataset: the name its checks' SQL uses for the version. */
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
    record(
      { name: 'schema_change', kind: 'schema', severity: 'warn' },
      {
        status: 'fail',
        observed: drift.map(describeChange).join('; '),
        threshold: 'no column dropped or retyped',
        failingRows: 0,
        message: 'the columns changed from the version before; readers of the dropped or retyped columns may break',
      },
    );
  }
  if (checks.length === 0) return { results, blocking: [] };

  const scope = await queryScope(env, target, checks);
  const measured = await measure(env.session, scope, checks);
  for (const check of checks) {
    try {
      record(check, await verdictOf(env, target, scope, check, measured));
    } catch (error) {
      record(check, {
        status: 'error',
        observed: null,
        threshold: null,
        failingRows: 0,
        message: `the check could not run: ${(error as Error).message.split('\n')[0]}`,
      });
    }
  }
  return { results, blocking: results.filter((r) => r.severity === 'error' && r.status !== 'pass') };
}

/** The CTEs every check query starts with: the version under its own name, `pond_partition`, and the keys of related datasets. */
interface QueryScope {
  readonly with: string;
  readonly view: string;
  /** CTE name of the keys a relationships check compares with, by check name. */
  readonly relations: ReadonlyMap<string, string>;
}

async function queryScope(env: CheckEnvironment, target: CheckTarget, checks: readonly CheckModel[]): Promise<QueryScope> {
  const view = quoteIdent(target.name);
  const ctes = [
    `${view} as (${inputQuery({ files: target.files, columns: target.columns, sameSchema: target.files.length <= 1 })})`,
    `pond_partition as (${partitionQuery(target.window)})`,
  ];
  const relations = new Map<string, string>();
  for (const check of checks) {
    if (check.kind !== 'relationships') continue;
    const name = `_pond_relation_${relations.size}`;
    const other = await env.relation(check.to);
    ctes.push(`${name} as (${relationQuery(other.files, other.columns, check.field)})`);
    relations.set(check.name, name);
  }
  return { with: `with ${ctes.join(',\n')}`, view, relations };
}

/** The SQL expressions (over the version's rows) that measure a check, by field. */
function expressionsOf(check: CheckModel, scope: QueryScope): Record<string, string> | undefined {
  const q = quoteIdent;
  const { view } = scope;
  const failing = `count(*) filter (where ${failingRowFilter(check, scope)})`;
  switch (check.kind) {
    case 'not_null':
    case 'accepted_values':
    case 'relationships':
      return { failing };
    case 'range':
      return { failing, low: `min(${q(check.column)})::varchar`, high: `max(${q(check.column)})::varchar` };
    case 'row_count':
    case 'volume':
      return { rows: 'count(*)' };
    case 'freshness':
      return { newest: `epoch_ms(max(try_cast(${q(check.column)} as timestamptz)))`, present: `count(${q(check.column)})` };
    case 'unique':
      // One grouping answers both: how many keys repeat, in how many rows.
      return { duplicates: `(select {'keys': count(*), 'rows': coalesce(sum(_pond_count), 0)} from (${duplicatesQuery(check.columns, view)}))` };
    case 'sql':
      return { failing: `(select count(*) from (${check.sql}))` };
    case 'contract':
      return undefined;
  }
}

type Measured = Map<string, Record<string, unknown> | Error>;

/** One statement for every check; when it fails to bind, one statement per check, to tell which check is broken. */
async function measure(session: SqlSession, scope: QueryScope, checks: readonly CheckModel[]): Promise<Measured> {
  const parts: Array<{ check: string; field: string; expr: string }> = [];
  for (const check of checks) {
    for (const [field, expr] of Object.entries(expressionsOf(check, scope) ?? {})) parts.push({ check: check.name, field, expr });
  }
  const out: Measured = new Map();
  if (parts.length === 0) return out;
  const run = async (subset: typeof parts) => {
    const [row] = await session.rows(`${scope.with}\nselect ${subset.map((p, i) => `${p.expr} as a${i}`).join(',\n  ')}\nfrom ${scope.view}`);
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

async function verdictOf(env: CheckEnvironment, target: CheckTarget, scope: QueryScope, check: CheckModel, measured: Measured): Promise<Verdict> {
  const q = quoteIdent;
  const { view } = scope;
  const values = measured.get(check.name);
  if (values instanceof Error) throw values;
  const num = (field: string) => Number(values?.[field] ?? 0);
  const sample = (query: string, first: readonly string[]) => sampleRows(env.session, scope.with, query, target.keyColumns, first);
  // Checks of single rows: the rows matching the check's filter fail. The observed value says
  // what was seen in the check's own terms (`no nulls`, `3 rows with a null`), never a bare
  // `0 rows` that reads like a count against the threshold beside it.
  const rowsVerdict = async (threshold: string, first: readonly string[], seen: { none: string; some: string }): Promise<Verdict> => {
    const failing = num('failing');
    if (failing === 0) return { status: 'pass', observed: seen.none, threshold, failingRows: 0, message: null };
    const sampled = await sample(`select * from ${view} where ${failingRowFilter(check, scope)}`, first);
    const observed = `${failing} ${failing === 1 ? 'row' : 'rows'} ${seen.some}`;
    return { status: 'fail', observed, threshold, failingRows: failing, message: null, sample: sampled };
  };
  const bounds = (min: CheckValue | undefined, max: CheckValue | undefined) =>
    [min === undefined ? '' : `≥ ${min}`, max === undefined ? '' : `≤ ${max}`].filter(Boolean).join(' and ');

  switch (check.kind) {
    case 'not_null':
      return rowsVerdict('no nulls', check.columns, { none: 'no nulls', some: 'with a null' });
    case 'accepted_values':
      return rowsVerdict(`one of ${check.values.map((v) => JSON.stringify(v)).join(', ')}`, [check.column], {
        none: 'no other value',
        some: 'with another value',
      });
    case 'range': {
      // The observed extremes, pass or fail: `min 1, max 12 (expected ≥ 1 and ≤ 24)`.
      const extremes = values?.low === null || values?.low === undefined ? 'no values' : `min ${String(values.low)}, max ${String(values.high)}`;
      const verdict = await rowsVerdict(bounds(check.min, check.max), [check.column], { none: extremes, some: 'outside' });
      return verdict.status === 'pass' ? verdict : { ...verdict, observed: `${verdict.observed} (${extremes})` };
    }
    case 'row_count': {
      const rows = num('rows');
      const ok = (check.min === undefined || rows >= check.min) && (check.max === undefined || rows <= check.max);
      return { status: ok ? 'pass' : 'fail', observed: `${rows} rows`, threshold: bounds(check.min, check.max), failingRows: 0, message: null };
    }
    case 'freshness': {
      const threshold = `newest within ${formatDuration(check.withinMs)} of ${target.window.end === null ? 'the check' : 'the window end (or the check, while it is open)'}`;
      const reference = target.window.end === null ? env.now : Math.min(target.window.end, env.now);
      if (num('present') === 0)
        return { status: 'fail', observed: `no ${check.column} values`, threshold, failingRows: 0, message: 'nothing to measure freshness by' };
      const newest = num('newest');
      const age = reference - newest;
      return {
        status: age <= check.withinMs ? 'pass' : 'fail',
        observed: `newest ${formatInstant(newest)}, ${formatDuration(Math.max(0, age))} before ${formatInstant(reference)}`,
        threshold,
        failingRows: 0,
        message: null,
      };
    }
    case 'unique': {
      const duplicates = (values?.duplicates ?? {}) as { keys?: unknown; rows?: unknown };
      const keys = Number(duplicates.keys ?? 0);
      const rows = Number(duplicates.rows ?? 0);
      if (keys === 0) return { status: 'pass', observed: 'no duplicates', threshold: 'no duplicates', failingRows: 0, message: null };
      const join = check.columns.map((c) => `v.${q(c)} is not distinct from d.${q(c)}`).join(' and ');
      const failing = `select v.* from ${view} v join (${duplicatesQuery(check.columns, view)}) d on ${join} order by ${check.columns.map((c) => `v.${q(c)}`).join(', ')}`;
      return {
        status: 'fail',
        observed: `${keys} duplicated ${keys === 1 ? 'key' : 'keys'} in ${rows} rows`,
        threshold: 'no duplicates',
        failingRows: rows,
        message: null,
        sample: await sample(failing, check.columns),
      };
    }
    case 'relationships':
      return rowsVerdict(`every ${check.column} in ${check.to}.${check.field}`, [check.column], {
        none: `every ${check.column} found`,
        some: `with a ${check.column} not in ${check.to}`,
      });
    case 'sql': {
      const failing = num('failing');
      if (failing === 0) return { status: 'pass', observed: 'no rows returned', threshold: 'no rows returned', failingRows: 0, message: null };
      return {
        status: 'fail',
        observed: `${failing} ${failing === 1 ? 'row' : 'rows'}`,
        threshold: 'no rows returned',
        failingRows: failing,
        message: null,
        sample: await sample(check.sql, []),
      };
    }
    case 'volume': {
      const rows = num('rows');
      const history = await env.history(check.history);
      if (history.length < check.minHistory) {
        return {
          status: 'pass',
          observed: `${rows} rows`,
          threshold: `needs ${check.minHistory} earlier partitions, has ${history.length}`,
          failingRows: 0,
          message: 'not enough history yet: passed without judging',
        };
      }
      const v = volumeVerdict(rows, history, check.deviations);
      const threshold = `${round(v.low)}–${round(v.high)} rows (median ${round(v.median)} of ${history.length} earlier ± ${check.deviations} × ${round(v.spread)})`;
      return { status: v.anomalous ? 'fail' : 'pass', observed: `${rows} rows`, threshold, failingRows: 0, message: null };
    }
    case 'contract': {
      const broken = contractViolations(check.columns, target.columns);
      const threshold = check.columns.map((c) => `${c.name} ${c.type}`).join(', ');
      if (broken.length === 0) return { status: 'pass', observed: 'kept', threshold, failingRows: 0, message: null };
      const observed = broken
        .map((c) => (c.change === 'dropped' ? `${c.column} is missing` : `${c.column} is ${c.to}, the contract says ${c.from}`))
        .join('; ');
      return { status: 'fail', observed, threshold, failingRows: 0, message: 'the version breaks the dataset’s contract' };
    }
  }
}

/** The key values that occur more than once, with how often. */
function duplicatesQuery(columns: readonly string[], view: string): string {
  return `select ${columns.map(quoteIdent).join(', ')}, count(*) as _pond_count from ${view} group by all having count(*) > 1`;
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

/**
 * For the checks of single rows, the condition a failing row meets: counted
 * in the shared statement, and the same condition reads the sample.
 */
function failingRowFilter(check: CheckModel, scope: QueryScope): string {
  const q = quoteIdent;
  switch (check.kind) {
    case 'not_null':
      return check.columns.map((c) => `${q(c)} is null`).join(' or ');
    case 'accepted_values':
      return `${q(check.column)} is not null and ${q(check.column)} not in (${check.values.map(literal).join(', ')})`;
    case 'range':
      return [
        check.min === undefined ? '' : `${q(check.column)} < ${literal(check.min)}`,
        check.max === undefined ? '' : `${q(check.column)} > ${literal(check.max)}`,
      ]
        .filter(Boolean)
        .join(' or ');
    case 'relationships':
      return `${q(check.column)} is not null and ${q(check.column)} not in (select _pond_key from ${scope.relations.get(check.name) as string} where _pond_key is not null)`;
    default:
      return 'false';
  }
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
