import assert from 'node:assert/strict';
import { it } from 'node:test';
import { jsonValue } from './json-value.ts';

it('keeps integers that fit as numbers and makes the others strings', () => {
  assert.equal(jsonValue(42n), 42);
  assert.equal(jsonValue(-(2n ** 53n) + 1n), -(2 ** 53) + 1);
  assert.equal(jsonValue(2n ** 70n), '1180591620717411303424');
});

it('writes times as ISO text, bytes as base64, non-finite numbers as text, and recurses', () => {
  assert.equal(jsonValue(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), '2026-01-02T03:04:05.000Z');
  assert.equal(jsonValue(new Uint8Array([97, 98])), 'YWI=');
  assert.equal(jsonValue(Number.POSITIVE_INFINITY), 'Infinity');
  assert.deepEqual(jsonValue({ a: [1n, undefined], b: { c: new Date(0) } }), { a: [1, null], b: { c: '1970-01-01T00:00:00.000Z' } });
});

it('cuts long texts and lists when given limits', () => {
  assert.deepEqual(jsonValue({ s: 'abcdef', l: [1, 2, 3], n: ['abcdef'] }, { maxText: 3, maxItems: 2 }), { s: 'abc…', l: [1, 2], n: ['abc…'] });
  assert.equal(jsonValue('abcdef'), 'abcdef');
});
