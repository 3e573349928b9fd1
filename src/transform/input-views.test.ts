import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openEngine, type Engine, type SqlSession } from '../compute/index.ts';
import { forgottenTable } from './forgotten-table.ts';
import { withoutForgotten } from './input-views.ts';
import type { ForgottenRows } from './types.ts';

describe('withoutForgotten', () => {
  let engine: Engine;
  let session: SqlSession;
  before(async () => {
    engine = await openEngine({ threads: 1 });
    session = await engine.connect();
  });
  after(() => {
    session.close();
    engine.close();
  });

  // Three rows: the forgotten subject by its user id, by its anonymous id only, and someone else.
  const read = `select * from (values
    ('ps_gone', null, 'enc:v1:ps_gone:AAA', 'enc:v1:ps_gone:BBB', 3),
    (null, 'ps_gone', null, 'enc:v1:ps_gone:CCC', 4),
    ('ps_kept', 'ps_x', 'enc:v1:ps_kept:DDD', 'enc:v1:ps_kept:EEE', 5)
  ) t(user_id, anonymous_id, email, _raw, amount)`;
  const rows = (forgotten: ForgottenRows) => session.rows(`${withoutForgotten(read, forgotten)} order by amount`);
  const stream = {
    pseudonyms: ['ps_gone', "o'brien"],
    identifiers: ['user_id', 'anonymous_id'],
    ciphertexts: [],
    cleared: ['user_id', 'anonymous_id', 'email', '_raw'],
  };

  it("anonymizes the subject's rows: identifiers and personal fields null, the rest kept", async () => {
    assert.deepEqual(await rows({ ...stream, policy: 'anonymize' }), [
      { user_id: null, anonymous_id: null, email: null, _raw: null, amount: 3 },
      { user_id: null, anonymous_id: null, email: null, _raw: null, amount: 4 },
      { user_id: 'ps_kept', anonymous_id: 'ps_x', email: 'enc:v1:ps_kept:DDD', _raw: 'enc:v1:ps_kept:EEE', amount: 5 },
    ]);
  });

  it("drops the subject's rows", async () => {
    assert.deepEqual(
      (await rows({ ...stream, policy: 'drop' })).map((r) => r.amount),
      [5],
    );
  });

  it('recognises dead letters by the subject named in their ciphertext', async () => {
    const letters = { pseudonyms: ['ps_gone'], identifiers: [], ciphertexts: ['_raw'], cleared: ['_raw'] };
    assert.deepEqual(
      (await rows({ ...letters, policy: 'drop' })).map((r) => r.amount),
      [5],
    );
    assert.deepEqual(
      (await rows({ ...letters, policy: 'anonymize' })).map((r) => r._raw),
      [null, null, 'enc:v1:ps_kept:EEE'],
    );
  });

  it('reads everything as it is when nobody is forgotten', () => {
    assert.equal(withoutForgotten(read, { ...stream, pseudonyms: [], policy: 'drop' }), read);
    assert.equal(withoutForgotten(read, { ...stream, identifiers: [], policy: 'drop' }), read);
  });

  it('reads the pseudonyms from a table that is replaced only when the list changes', async () => {
    const table = await forgottenTable(session, ['ps_gone']);
    assert.deepEqual(
      (await rows({ ...stream, pseudonyms: ['ps_gone'], table, policy: 'drop' })).map((r) => r.amount),
      [5],
    );
    const created = async () => (await session.rows(`select estimated_size, comment from duckdb_tables() where table_name = '${table}'`))[0]?.comment;
    const first = await created();
    await forgottenTable(session, ['ps_gone']);
    assert.equal(await created(), first, 'the same list: left as it is');
    await forgottenTable(session, ['ps_gone', 'ps_kept']);
    assert.notEqual(await created(), first);
    assert.deepEqual(
      (await rows({ ...stream, pseudonyms: ['ps_gone', 'ps_kept'], table, policy: 'drop' })).map((r) => r.amount),
      [],
    );
    // Another connection of the same instance reads the same table.
    const other = await engine.connect();
    try {
      assert.deepEqual(await other.rows(`select count(*)::int as n from ${table}`), [{ n: 2 }]);
    } finally {
      other.close();
    }
  });
});
