import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { PondError } from '../errors/index.ts';
import { ciphertextSubject, decryptField, encryptField, fieldAad } from './field-cipher.ts';

const key = randomBytes(32);
const aad = fieldAad('signups', 'email');

describe('field cipher', () => {
  it('round-trips JSON values of every kind, and says whose key it needs', () => {
    for (const value of ['ada@example.com', 42, 1.5, true, null, { street: 'Rue X', n: [1, 2] }, 'ünïcødé ✓']) {
      const text = encryptField(value, key, 'ps_abc', aad);
      assert.match(text, /^enc:v1:ps_abc:[A-Za-z0-9_-]+$/);
      assert.equal(ciphertextSubject(text), 'ps_abc');
      assert.deepEqual(decryptField(text, key, aad), value);
    }
    assert.equal(ciphertextSubject('ada@example.com'), undefined);
  });

  it('is not deterministic: the same value encrypts differently each time', () => {
    assert.notEqual(encryptField('ada@example.com', key, 'ps_abc', aad), encryptField('ada@example.com', key, 'ps_abc', aad));
  });

  it('detects tampering, a wrong key and a value moved to another column or stream', () => {
    const text = encryptField('ada@example.com', key, 'ps_abc', aad);
    const body = Buffer.from(text.slice('enc:v1:ps_abc:'.length), 'base64url');
    for (const i of [0, 12, body.length - 1]) {
      const flipped = Buffer.from(body);
      flipped[i] = (flipped[i] as number) ^ 1;
      assert.throws(
        () => decryptField(`enc:v1:ps_abc:${flipped.toString('base64url')}`, key, aad),
        (e: unknown) => e instanceof PondError && e.code === 'BAD_INPUT',
      );
    }
    assert.throws(() => decryptField(`enc:v1:ps_abc:${body.subarray(0, body.length - 1).toString('base64url')}`, key, aad), PondError);
    assert.throws(() => decryptField(text, randomBytes(32), aad), PondError);
    assert.throws(() => decryptField(text, key, fieldAad('signups', 'name')), PondError);
    assert.throws(() => decryptField(text, key, fieldAad('orders', 'email')), PondError);
    assert.throws(() => decryptField('enc:v1:ps_abc:AAAA', key, aad), /not a Pond ciphertext/);
  });
});
