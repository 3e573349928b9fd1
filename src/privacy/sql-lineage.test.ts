import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openEngine, type Engine, type SqlSession } from '../compute/index.ts';
import { duckdbSqlParser } from './duckdb-sql-parser.ts';
import { sqlLineage, type InputColumns } from './sql-lineage.ts';

const INPUTS: InputColumns = new Map<string, readonly string[] | null>([
  ['events', ['user_id', 'email', 'amount', 'time_utc', 'props']],
  ['users', ['user_id', 'name', 'country']],
  ['blob', null],
]);

describe('sqlLineage', () => {
  let engine: Engine;
  let session: SqlSession;
  before(async () => {
    engine = await openEngine();
    session = await engine.connect();
  });
  after(() => {
    session.close();
    engine.close();
  });

  /** Output column → its sources as `input.column`. */
  const lineage = async (sql: string): Promise<Record<string, string[]>> => {
    const out = sqlLineage(await duckdbSqlParser(session)(sql), INPUTS);
    assert.ok(out, `no lineage for ${sql}`);
    return Object.fromEntries(out.map((c) => [c.name, c.sources.map((s) => `${s.input}.${s.column}`)]));
  };

  it('follows aliases and expressions', async () => {
    assert.deepEqual(await lineage('select user_id as uid, lower(email) as mail, amount * 2 as double_amount, 1 as one from events'), {
      uid: ['events.user_id'],
      mail: ['events.email'],
      double_amount: ['events.amount'],
      one: [],
    });
  });

  it('follows CASE, COALESCE and casts', async () => {
    const out = await lineage("select case when amount > 10 then email else 'small' end as who, coalesce(cast(user_id as varchar), '?') as u from events");
    assert.deepEqual(out, { who: ['events.amount', 'events.email'], u: ['events.user_id'] });
  });

  it('leaves WHERE, GROUP BY and JOIN conditions out', async () => {
    const out = await lineage("select e.amount, u.country from events e join users u on u.user_id = e.user_id where e.email like '%@x' group by all");
    assert.deepEqual(out, { amount: ['events.amount'], country: ['users.country'] });
  });

  it('resolves unqualified names across joins', async () => {
    const out = await lineage('select name, amount from events e left join users u using (user_id)');
    assert.deepEqual(out, { name: ['users.name'], amount: ['events.amount'] });
  });

  it('counting aggregates hold none of their arguments; others do', async () => {
    const out = await lineage(
      'select country, count(distinct e.user_id) as buyers, approx_count_distinct(email) as emails, count(*) as n, max(e.user_id) as last_user, list(name) as names from events e join users u on u.user_id = e.user_id group by country',
    );
    assert.deepEqual(out, { country: ['users.country'], buyers: [], emails: [], n: [], last_user: ['events.user_id'], names: ['users.name'] });
  });

  it('window functions: ranks hold nothing, values hold their arguments', async () => {
    const out = await lineage(
      'select row_number() over (partition by user_id order by time_utc) as rn, first_value(email) over (order by time_utc) as first_email from events',
    );
    assert.deepEqual(out, { rn: [], first_email: ['events.email', 'events.time_utc'] });
  });

  it('goes through CTEs, with column aliases', async () => {
    const out = await lineage(
      'with a(who, total) as (select user_id, sum(amount) from events group by 1), b as (select who as buyer, total from a) select buyer, total * 100 as cents from b',
    );
    assert.deepEqual(out, { buyer: ['events.user_id'], cents: ['events.amount'] });
  });

  it('goes through subqueries in FROM and in the select list', async () => {
    const out = await lineage('select s.u, (select max(name) from users where users.user_id = s.u) as name from (select user_id as u from events) s');
    assert.deepEqual(out, { u: ['events.user_id'], name: ['users.name'] });
  });

  it('EXISTS and IN subqueries that select constants hold nothing', async () => {
    const out = await lineage('select amount, exists (select 1 from users where users.user_id = events.user_id) as known from events');
    assert.deepEqual(out, { amount: ['events.amount'], known: [] });
  });

  it('expands * and tbl.* with EXCLUDE and REPLACE', async () => {
    assert.deepEqual(await lineage('select * exclude (props, time_utc) from events'), {
      user_id: ['events.user_id'],
      email: ['events.email'],
      amount: ['events.amount'],
    });
    assert.deepEqual(await lineage('select u.* replace (upper(country) as country), e.amount from events e join users u on true'), {
      user_id: ['users.user_id'],
      name: ['users.name'],
      country: ['users.country'],
      amount: ['events.amount'],
    });
  });

  it('* over an input whose columns are unknown stays unknown', async () => {
    assert.deepEqual(await lineage('select * from blob'), { '*': ['blob.*'] });
    assert.deepEqual(await lineage('select b.email as e from blob b'), { e: ['blob.email'] });
  });

  it('unions combine branches by position', async () => {
    const out = await lineage('select user_id as id, amount from events union all select name, 0 from users');
    assert.deepEqual(out, { id: ['events.user_id', 'users.name'], amount: ['events.amount'] });
  });

  it('struct fields and lambdas derive from the column', async () => {
    const out = await lineage('select props.plan as plan, list_transform(props.items, lambda i: i.sku) as skus from events');
    assert.deepEqual(out, { plan: ['events.props'], skus: ['events.props'] });
  });

  it('a name it cannot resolve derives from everything in scope', async () => {
    const out = await lineage('select mystery from events');
    assert.deepEqual(out, { mystery: ['events.amount', 'events.email', 'events.props', 'events.time_utc', 'events.user_id'] });
  });

  it('later select items may use earlier aliases', async () => {
    const out = await lineage("select lower(email) as mail, mail || '!' as shout from events");
    assert.deepEqual(out, { mail: ['events.email'], shout: ['events.email'] });
  });

  it('gives up on SQL DuckDB cannot parse', async () => {
    assert.equal(sqlLineage(await duckdbSqlParser(session)('selec nothing'), INPUTS), undefined);
  });
});
