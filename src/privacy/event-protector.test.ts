import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decryptField, decryptText, fieldAad } from './field-cipher.ts';
import { EventProtector, reasonWithoutExcerpts } from './event-protector.ts';
import { KeyHierarchy } from './keys/index.ts';

const keys = new KeyHierarchy(randomBytes(32));
const protector = new EventProtector({ name: 'signups', pii: { identifiers: ['userId', 'anonymousId'], personal: ['email'] } }, keys);
const key = randomBytes(32);

describe('event protector', () => {
  it('takes the first identifier with a value as the subject, in declared order', () => {
    assert.equal(protector.subjectOf({ userId: null, anonymousId: 'anon-1' }), keys.pseudonym('anon-1'));
    assert.equal(protector.subjectOf({ userId: 'u1', anonymousId: 'anon-1' }), keys.pseudonym('u1'));
    assert.equal(protector.subjectOf({ userId: 42 }), keys.pseudonym('42'));
    assert.equal(protector.subjectOf({ email: 'x@y' }), undefined);
    assert.equal(protector.subjectOf('not an object'), undefined);
  });

  it('pseudonymises every identifier and encrypts personal fields, the IP and the event', () => {
    const event = { userId: 'u1', anonymousId: 'anon-1', email: 'ada@example.com', plan: 'pro' };
    const raw = JSON.stringify(event);
    const subject = protector.subjectOf(event) as string;
    const p = protector.protect(event, raw, '203.0.113.9', subject, key);
    const landed = JSON.parse(p.event);
    assert.deepEqual([landed.userId, landed.anonymousId, landed.plan], [keys.pseudonym('u1'), keys.pseudonym('anon-1'), 'pro']);
    assert.equal(decryptField(landed.email, key, fieldAad('signups', 'email')), 'ada@example.com');
    assert.equal(decryptText(p.raw as string, key, fieldAad('signups', '_raw')), raw);
    assert.equal(decryptField(p.ip as string, key, fieldAad('signups', '_ip')), '203.0.113.9');
    assert.equal(p.withheld, false);
    // "u1" with its quotes: two letters of base64url ciphertext or of a pseudonym are 'u1' now and then.
    for (const text of [p.event, p.raw, p.ip])
      for (const secret of ['"u1"', 'anon-1', 'ada@', '203.0.113']) assert.ok(!text?.includes(secret), `${secret} in ${text}`);
  });

  it('drops personal data it has no key for, and says so', () => {
    const event = { userId: null, email: 'ada@example.com', plan: 'pro' };
    const p = protector.protect(event, JSON.stringify(event), '203.0.113.9', undefined, null);
    assert.deepEqual(JSON.parse(p.event), { userId: null, email: null, plan: 'pro' });
    assert.equal(p.raw, p.event);
    assert.equal(p.ip, null);
    assert.equal(p.withheld, true);
    // A forgotten subject: identifiers still pseudonymised, nothing personal kept.
    const f = protector.protect({ userId: 'u9', email: 'z@z' }, '{"userId":"u9","email":"z@z"}', null, keys.pseudonym('u9'), null);
    assert.deepEqual(JSON.parse(f.raw as string), { userId: keys.pseudonym('u9'), email: null });
    assert.equal(f.withheld, true);
  });

  it("anonymizes a forgotten subject's event, as received or already protected, to no identifier, personal field, IP or `_raw`", () => {
    const event = { userId: 'u9', anonymousId: 'anon-9', email: 'z@z', plan: 'pro' };
    const clear = protector.anonymize(event);
    assert.deepEqual(JSON.parse(clear.event), { userId: null, anonymousId: null, email: null, plan: 'pro' });
    assert.deepEqual([clear.raw, clear.ip, clear.withheld], [null, null, true]);
    const landed = JSON.parse(protector.protect(event, JSON.stringify(event), '203.0.113.9', keys.pseudonym('u9'), key).event) as Record<string, unknown>;
    assert.deepEqual(protector.anonymize(landed), clear);
  });

  it("protects a dead letter's `_raw`: encrypted, withheld when no object, null when its subject is forgotten", () => {
    const event = { userId: 'u1', email: 'ada@example.com' };
    const raw = JSON.stringify(event);
    const subject = keys.pseudonym('u1');
    assert.equal(decryptText(protector.deadLetterRaw(event, raw, subject, key, false).raw as string, key, fieldAad('signups', '_raw')), raw);
    assert.deepEqual(protector.deadLetterRaw(event, raw, subject, null, true), { raw: null, withheld: true });
    assert.match(protector.deadLetterRaw('text', '"text"', undefined, null, false).raw ?? '', /^\[withheld: not a JSON object/);
  });

  it('takes the quotes of the event out of a reason', () => {
    assert.equal(
      reasonWithoutExcerpts(`Unexpected token 'o', "not json, f"... is not valid JSON`, 'not json, from ada@example.com'),
      `Unexpected token 'o', "…" is not valid JSON`,
    );
    assert.equal(reasonWithoutExcerpts('must be equal to "pro"', '{"plan":"max"}'), 'must be equal to "pro"');
  });
});
