import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PondError } from '../../errors/index.ts';
import { copyField, copyLine } from './copy-text.ts';

it('escapes what COPY text format would read as a delimiter, an end of row or an escape', () => {
  assert.equal(copyField('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
  assert.equal(copyField('\\N'), '\\\\N');
  assert.equal(copyField('\\.'), '\\\\.');
  assert.equal(copyField(`"quoted", 'single'; commas, ünïcødé 🦆`), `"quoted", 'single'; commas, ünïcødé 🦆`);
  assert.equal(copyField(''), '');
  assert.equal(copyField(null), '\\N');
  assert.equal(copyField(undefined), '\\N');
});

it('writes numbers, booleans, bytes and times as the text their PostgreSQL types read', () => {
  assert.equal(copyField(-42), '-42');
  assert.equal(copyField(1.5e300), '1.5e+300');
  assert.equal(copyField(Number.NaN), 'NaN');
  assert.equal(copyField(-Infinity), '-Infinity');
  assert.equal(copyField(2n ** 70n), '1180591620717411303424');
  assert.equal(copyField(true), 't');
  assert.equal(copyField(false), 'f');
  assert.equal(copyField(new Uint8Array([0, 9, 10, 92, 255])), '\\\\x00090a5cff');
  assert.equal(copyField(new Date(Date.UTC(2026, 10, 20, 1, 2, 3, 4))), '2026-11-20T01:02:03.004Z');
  assert.equal(copyLine(['a\tb', null, 42]), 'a\\tb\t\\N\t42\n');
});

it('refuses NUL, which PostgreSQL text cannot hold, and values the postgres dialect never reads', () => {
  assert.throws(
    () => copyField('a\u0000b'),
    (e: unknown) => e instanceof PondError && e.code === 'BAD_INPUT' && /NUL/.test(e.message),
  );
  assert.throws(
    () => copyField({ a: 1 }),
    (e: unknown) => e instanceof PondError && e.code === 'INTERNAL',
  );
});
