import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decryptedFields } from './decrypt-fields.ts';
import { encryptField, encryptText, fieldAad } from './field-cipher.ts';

const stream = {
  name: 'signups',
  pii: { identifiers: ['user_id'], personal: ['email', 'age'] },
  clearColumns: [
    { name: 'user_id', type: 'VARCHAR' },
    { name: 'email', type: 'VARCHAR' },
    { name: 'age', type: 'BIGINT' },
    { name: 'plan', type: 'VARCHAR' },
    { name: '_raw', type: 'VARCHAR' },
    { name: '_ip', type: 'VARCHAR' },
  ],
};
const keys = new Map([
  ['ps_a', randomBytes(32)],
  ['ps_b', randomBytes(32)],
]);
const at = (column: string) => fieldAad('signups', column);
const field = (value: unknown, subject: string, column: string) => encryptField(value, keys.get(subject) as Buffer, subject, at(column));

describe('decryptedFields', () => {
  it('lists the encrypted columns with their clear types, in the stream order', () => {
    const { columns } = decryptedFields(stream, { existingKeysOf: async () => new Map() });
    assert.deepEqual(
      columns.map((c) => `${c.name} ${c.type}`),
      ['email VARCHAR', 'age BIGINT', '_raw VARCHAR', '_ip VARCHAR'],
    );
  });

  it('decrypts each column under its own place, looks each key up once, and gives null for forgotten subjects and foreign ciphertext', async () => {
    const asked: string[][] = [];
    const ring = {
      existingKeysOf: async (pseudonyms: Iterable<string>) => {
        const wanted = [...pseudonyms];
        asked.push(wanted);
        return new Map(wanted.map((p) => [p, p === 'ps_gone' ? null : (keys.get(p) ?? null)]));
      },
    };
    const { decrypt } = decryptedFields(stream, ring);
    const raw = '{"user_id":"u1","email":"ann@example.com"}';
    const first = await decrypt([
      [field('ann@example.com', 'ps_a', 'email'), field(41, 'ps_a', 'age'), encryptText(raw, keys.get('ps_a') as Buffer, 'ps_a', at('_raw')), null],
      // age encrypted as if it were the email: bound to another column, so unreadable here.
      [field('bob@example.com', 'ps_b', 'email'), field(7, 'ps_b', 'email'), null, 'enc:v1:ps_gone:AAAA'],
      // Landed before the stream declared personal data: already clear.
      ['old@example.com', null, 'clear event', '10.0.0.1'],
    ]);
    assert.deepEqual(first, [
      ['ann@example.com', 41, raw, null],
      ['bob@example.com', null, null, null],
      ['old@example.com', null, 'clear event', '10.0.0.1'],
    ]);
    await decrypt([[field('ann@example.com', 'ps_a', 'email'), null, null, null]]);
    assert.deepEqual(
      asked.map((a) => a.sort()),
      [['ps_a', 'ps_b', 'ps_gone']],
      'keys are looked up once per subject',
    );
  });
});
