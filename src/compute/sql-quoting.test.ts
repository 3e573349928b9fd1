import assert from 'node:assert/strict';
import { it } from 'node:test';
import { quoteIdent, sqlList, sqlString } from './sql-quoting.ts';

it('doubles the quote character inside literals, lists and identifiers', () => {
  assert.equal(sqlString("it's"), "'it''s'");
  assert.equal(sqlList(['a', "b'c"]), "['a', 'b''c']");
  assert.equal(sqlList([]), '[]');
  assert.equal(quoteIdent('order "id"'), '"order ""id"""');
});
