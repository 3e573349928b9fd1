import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { strictRows } from './strict-rows.ts';

const refuse = (column: string, columns: readonly string[]): never => {
  throw new Error(`no column ${column} among ${columns.join(', ')}`);
};

describe('strictRows', () => {
  const make = strictRows(['user_id', 'amount', 'note'], refuse);
  const row = make(['u1', 4, null]);

  it('reads the columns it has, null included, and refuses any other', () => {
    assert.equal(row.user_id, 'u1');
    assert.equal(row.amount, 4);
    assert.equal(row.note, null);
    assert.throws(() => row.amountt, /no column amountt among user_id, amount, note/);
    assert.equal('amountt' in row, false, '`in` tests a column without throwing');
    assert.equal('amount' in row, true);
  });

  it('behaves as a plain object for spreading, keys, JSON, inspection and awaiting', async () => {
    assert.deepEqual({ ...row }, { user_id: 'u1', amount: 4, note: null });
    assert.deepEqual(Object.keys(row), ['user_id', 'amount', 'note']);
    assert.equal(JSON.stringify(row), '{"user_id":"u1","amount":4,"note":null}');
    assert.equal(inspect(row), "{ user_id: 'u1', amount: 4, note: null }");
    assert.equal(String(row), '[object Object]');
    assert.equal(Object.prototype.hasOwnProperty.call(row, 'amount'), true);
    assert.equal(await Promise.resolve(row), row, 'not taken for a thenable');
  });

  it('makes each row its own, whatever the names', () => {
    const odd = strictRows(['constructor', 'a b', '__proto__', 'x'], refuse);
    const one = odd([1, 2, 3, 4]);
    const two = odd([5, 6, 7, 8]);
    assert.deepEqual([one.constructor, one['a b'], one.x, two.x], [1, 2, 4, 8]);
    assert.throws(() => one.y, /no column y/);
  });
});
