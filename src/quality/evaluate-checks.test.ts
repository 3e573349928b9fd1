import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CheckModel } from '../config/index.ts';
import type { Column } from '../model/index.ts';
import { openEngine, type Engine, type SqlSession } from '../compute/index.ts';
import { evaluateChecks, type CheckEnvironment, type CheckTarget } from './evaluate-checks.ts';
import { volumeVerdict } from './volume.ts';
import { normalizeType, schemaChanges } from './schema-changes.ts';

const HOUR = Date.parse('2026-11-23T19:00:00Z');
const base = { severity: 'error' as const, description: undefined };

describe('evaluateChecks', () => {
  let dir: string;
  let engine: Engine;
  let session: SqlSession;
  let orders: string;
  let users: string;
  let columns: Column[];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pond-checks-'));
    engine = await openEngine();
    session = await engine.connect();
    orders = path.join(dir, 'orders.parquet');
    users = path.join(dir, 'users.parquet');
    await session.run(`copy (select * from (values
        ('o1', 'u1', 'paid',     10.5, timestamptz '2026-11-23 19:05:00+00'),
        ('o2', 'u2', 'paid',     -3.0, timestamptz '2026-11-23 19:20:00+00'),
        ('o2', 'u9', 'refunded',  7.0, timestamptz '2026-11-23 19:40:00+00'),
        ('o4', null, 'lost',      2.0, timestamptz '2026-11-23 19:45:00+00')
      ) t(order_id, user_id, state, amount, time_utc)) to '${orders}' (format parquet)`);
    await session.run(`copy (select * from (values ('u1'), ('u2'), ('u3')) t(user_id)) to '${users}' (format parquet)`);
    columns = await session.describe(`select * from read_parquet('${orders}')`);
  });

  after(() => {
    session.close();
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const target = (overrides: Partial<CheckTarget> = {}): CheckTarget => ({
    name: 'orders',
    idx: 1,
    key: '2026-11-23T19:00Z/PT1H',
    versionId: 'v1',
    files: [orders],
    columns,
    rows: 4,
    window: { key: '2026-11-23T19:00Z/PT1H', start: HOUR, end: HOUR + 3_600_000 },
    previousColumns: undefined,
    keyColumns: ['order_id'],
    runId: 'r1',
    ...overrides,
  });

  const env = (overrides: Partial<CheckEnvironment> = {}): CheckEnvironment => ({
    session,
    now: HOUR + 2 * 3_600_000,
    history: async () => [],
    relation: async () => ({ files: [users], columns: [{ name: 'user_id', type: 'VARCHAR' }] }),
    ...overrides,
  });

  const run = async (check: CheckModel, e = env(), t = target()) => {
    const outcome = await evaluateChecks(e, t, [check]);
    const result = outcome.results.find((r) => r.check === check.name);
    assert.ok(result);
    return { result, blocking: outcome.blocking.length > 0 };
  };

  it('not null: counts and samples the rows with nulls, key columns first', async () => {
    const { result, blocking } = await run({ ...base, name: 'nn', kind: 'not_null', columns: ['user_id'] });
    assert.equal(result.status, 'fail');
    assert.equal(result.failingRows, 1);
    assert.equal(blocking, true);
    assert.deepEqual(Object.keys(result.sample[0] ?? {}).slice(0, 2), ['order_id', 'user_id']);
    assert.equal(result.sample[0]?.order_id, 'o4');
    assert.equal((await run({ ...base, name: 'nn', kind: 'not_null', columns: ['order_id'] })).result.status, 'pass');
  });

  it('unique: finds duplicated keys and shows every row that shares one', async () => {
    const { result } = await run({ ...base, name: 'u', kind: 'unique', columns: ['order_id'] });
    assert.equal(result.status, 'fail');
    assert.equal(result.observed, '1 duplicated key in 2 rows');
    assert.deepEqual(
      result.sample.map((r) => r.order_id),
      ['o2', 'o2'],
    );
    assert.equal((await run({ ...base, name: 'u', kind: 'unique', columns: ['order_id', 'user_id'] })).result.status, 'pass');
  });

  it('accepted values: nulls pass, anything else outside the list fails', async () => {
    const { result } = await run({ ...base, name: 'av', kind: 'accepted_values', column: 'state', values: ['paid', 'refunded'] });
    assert.equal(result.failingRows, 1);
    assert.equal(result.sample[0]?.state, 'lost');
  });

  it('range: bounds are inclusive and the observed extremes are reported', async () => {
    const { result } = await run({ ...base, name: 'r', kind: 'range', column: 'amount', min: 0, max: undefined });
    assert.equal(result.failingRows, 1);
    assert.match(result.observed ?? '', /^1 row outside \(min -3(\.0)?, max 10\.5\)$/);
    // A pass shows what was observed too, not a count of failing rows beside the bounds.
    const pass = (await run({ ...base, name: 'r', kind: 'range', column: 'amount', min: -3, max: 10.5 })).result;
    assert.equal(pass.status, 'pass');
    assert.match(pass.observed ?? '', /^min -3(\.0)?, max 10\.5$/);
    assert.equal(pass.threshold, '≥ -3 and ≤ 10.5');
  });

  it('row count: between min and max', async () => {
    assert.equal((await run({ ...base, name: 'rc', kind: 'row_count', min: 5, max: undefined })).result.status, 'fail');
    assert.equal((await run({ ...base, name: 'rc', kind: 'row_count', min: 1, max: 4 })).result.status, 'pass');
  });

  it('freshness: the newest time against the end of the window', async () => {
    // Newest 19:45, window ends 20:00: 15 minutes.
    assert.equal((await run({ ...base, name: 'f', kind: 'freshness', column: 'time_utc', withinMs: 10 * 60_000 })).result.status, 'fail');
    assert.equal((await run({ ...base, name: 'f', kind: 'freshness', column: 'time_utc', withinMs: 15 * 60_000 })).result.status, 'pass');
    // A window still open is measured against the time of the check.
    const open = await run({ ...base, name: 'f', kind: 'freshness', column: 'time_utc', withinMs: 10 * 60_000 }, env({ now: HOUR + 50 * 60_000 }));
    assert.equal(open.result.status, 'pass');
  });

  it('relationships: every non-null key exists in the other dataset', async () => {
    const { result } = await run({ ...base, name: 'rel', kind: 'relationships', column: 'user_id', to: 'users', field: 'user_id' });
    assert.equal(result.failingRows, 1);
    assert.equal(result.sample[0]?.user_id, 'u9');
  });

  it('custom SQL: the rows it returns are the failures', async () => {
    const sql = `select o.* from orders o, pond_partition p where o.time_utc > p."end" - interval 20 minutes`;
    const { result } = await run({ ...base, name: 'late', kind: 'sql', sql });
    assert.equal(result.failingRows, 1);
    assert.equal(result.sample[0]?.order_id, 'o4');
  });

  it('volume: judged against the median of the history, passing while the history is short', async () => {
    const check: CheckModel = { ...base, name: 'vol', kind: 'volume', history: 28, minHistory: 3, deviations: 3 };
    assert.equal((await run(check, env({ history: async () => [40, 41] }))).result.status, 'pass');
    assert.equal((await run(check, env({ history: async () => [40, 41, 39, 42] }))).result.status, 'fail');
    assert.equal((await run(check, env({ history: async () => [4, 5, 3, 4] }))).result.status, 'pass');
  });

  it('contract: a missing or retyped column fails it; type aliases are the same type', async () => {
    const kept = await run({
      ...base,
      name: 'contract',
      kind: 'contract',
      columns: [
        { name: 'order_id', type: 'TEXT' },
        { name: 'time_utc', type: 'TIMESTAMPTZ' },
      ],
    });
    assert.equal(kept.result.status, 'pass');
    const broken = await run({
      ...base,
      name: 'contract',
      kind: 'contract',
      columns: [
        { name: 'amount', type: 'BIGINT' },
        { name: 'country', type: 'VARCHAR' },
      ],
    });
    assert.equal(broken.result.status, 'fail');
    assert.match(broken.result.observed ?? '', /amount is DECIMAL.*BIGINT; country is missing/);
  });

  it('a check that cannot run is an error result, and blocks like a failure; warnings never block', async () => {
    const broken = await run({ ...base, name: 'nn', kind: 'not_null', columns: ['no_such_column'] });
    assert.equal(broken.result.status, 'error');
    assert.match(broken.result.message ?? '', /could not run/);
    assert.equal(broken.blocking, true);
    const warn = await run({ ...base, severity: 'warn', name: 'nn', kind: 'not_null', columns: ['user_id'] });
    assert.equal(warn.result.status, 'fail');
    assert.equal(warn.blocking, false);
  });

  it('reports dropped and retyped columns against the version before, as a warning', async () => {
    const outcome = await evaluateChecks(
      env(),
      target({ previousColumns: [...columns.filter((c) => c.name !== 'amount'), { name: 'amount', type: 'VARCHAR' }, { name: 'gone', type: 'BIGINT' }] }),
      [],
    );
    const [drift] = outcome.results;
    assert.equal(drift?.check, 'schema_change');
    assert.equal(drift?.severity, 'warn');
    assert.match(drift?.observed ?? '', /gone \(BIGINT\) is missing/);
    assert.match(drift?.observed ?? '', /amount is DECIMAL\(\d+,\d+\), was VARCHAR/);
    assert.equal(outcome.blocking.length, 0);
  });
});

describe('volumeVerdict', () => {
  it('uses a robust spread with a floor of 10% of the median', () => {
    assert.equal(volumeVerdict(100, [100, 100, 100, 100], 3).anomalous, false);
    assert.equal(volumeVerdict(125, [100, 100, 100, 100], 3).anomalous, false);
    assert.equal(volumeVerdict(140, [100, 100, 100, 100], 3).anomalous, true);
    // One outlier in the history does not move the median.
    assert.equal(volumeVerdict(100, [100, 98, 103, 5000], 3).anomalous, false);
    assert.equal(volumeVerdict(0, [10, 10, 10], 3).low, 7);
  });
});

describe('schema changes', () => {
  it('folds type aliases', () => {
    assert.equal(normalizeType('timestamptz'), 'TIMESTAMP WITH TIME ZONE');
    assert.equal(normalizeType('int8'), 'BIGINT');
    assert.equal(normalizeType('decimal( 12, 2 )'), 'DECIMAL(12,2)');
    assert.deepEqual(
      schemaChanges(
        [{ name: 'a', type: 'INT' }],
        [
          { name: 'a', type: 'INTEGER' },
          { name: 'b', type: 'TEXT' },
        ],
      ),
      [{ column: 'b', change: 'added', to: 'TEXT' }],
    );
  });
});
