import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEnvelope, receiptEncoder } from './envelope.ts';

describe('envelope', () => {
  it('round-trips the receipt and keeps the event text exactly, newlines and all', () => {
    const raw = '{ "a" : 1.50,\n "b": "é\\n", "n": 123456789012345678901234 }';
    const e = {
      stream: 'events',
      messageId: 'm "1"',
      receivedAt: 1_795_000_000_123,
      eventTime: 1_794_999_000_000,
      source: 'app',
      ip: '203.0.113.0',
      userAgent: 'curl/8.5 "x"',
      raw,
    };
    const encoded = receiptEncoder(e)(e.stream, e.messageId, e.eventTime, undefined, e.raw);
    assert.deepEqual(decodeEnvelope(encoded), { ...e, deadLetter: undefined });
  });

  it('carries the dead-letter reason instead of an event time, and no IP or agent when there were none', () => {
    const encode = receiptEncoder({ receivedAt: 5, source: 'web', ip: null, userAgent: null });
    const decoded = decodeEnvelope(encode('web', 'm2', undefined, 'time_utc: missing', 'not json'));
    assert.deepEqual(decoded, {
      stream: 'web',
      messageId: 'm2',
      receivedAt: 5,
      eventTime: undefined,
      deadLetter: 'time_utc: missing',
      source: 'web',
      ip: null,
      userAgent: null,
      raw: 'not json',
    });
  });

  it('refuses a record that is not an envelope', () => {
    assert.throws(() => decodeEnvelope(Buffer.from('no header line')), /not a Pond envelope/);
    assert.throws(() => decodeEnvelope(Buffer.from('{"x":1}\n{}')), /bad header/);
  });

  it('carries a protected event: the event as it lands after the head, `_raw`, the subject and the IP ciphertext in it, and no clear IP', () => {
    const encode = receiptEncoder({ receivedAt: 7, source: 'app', ip: '203.0.113.9', userAgent: 'curl/8.5' });
    const event = '{"user_id":"ps_abc","email":"enc:v1:ps_abc:AAAA","n":1}';
    const record = encode('signups', 'm3', 1000, undefined, { event, raw: 'enc:v1:ps_abc:BBBB', ip: 'enc:v1:ps_abc:CCCC', subject: 'ps_abc' });
    assert.ok(!record.toString().includes('203.0.113'), 'no clear IP');
    assert.deepEqual(decodeEnvelope(record), {
      stream: 'signups',
      messageId: 'm3',
      receivedAt: 7,
      eventTime: 1000,
      deadLetter: undefined,
      source: 'app',
      ip: 'enc:v1:ps_abc:CCCC',
      userAgent: 'curl/8.5',
      raw: 'enc:v1:ps_abc:BBBB',
      protected: { event, subject: 'ps_abc' },
    });
    // The request's other events, of a stream without personal data, keep the clear IP.
    assert.equal(decodeEnvelope(encode('events', 'm4', 1000, undefined, '{"n":2}')).ip, '203.0.113.9');
  });

  it('carries a protected dead letter, and an anonymized event without subject, IP or `_raw`', () => {
    const encode = receiptEncoder({ receivedAt: 7, source: 'app', ip: '203.0.113.9', userAgent: null });
    const dead = decodeEnvelope(encode('signups', 'm5', undefined, 'not a JSON object', { event: '', raw: '[withheld]', ip: null, subject: null }));
    assert.deepEqual([dead.deadLetter, dead.raw, dead.ip, dead.protected], ['not a JSON object', '[withheld]', null, { event: '', subject: null }]);
    const anonymized = decodeEnvelope(encode('signups', 'm6', 1000, undefined, { event: '{"user_id":null}', raw: null, ip: null, subject: null }));
    assert.deepEqual([anonymized.raw, anonymized.ip, anonymized.protected], [null, null, { event: '{"user_id":null}', subject: null }]);
  });

  it('reads an envelope written before protection existed as unprotected', () => {
    const old = Buffer.from('{"s":"signups","m":"m7","t":1000,"r":7,"src":"app","ip":"203.0.113.9"}\n{"user_id":"u1"}');
    const decoded = decodeEnvelope(old);
    assert.equal(decoded.protected, undefined);
    assert.deepEqual([decoded.raw, decoded.ip], ['{"user_id":"u1"}', '203.0.113.9']);
  });

  it('refuses a protection it does not know, rather than land it as received', () => {
    assert.throws(() => decodeEnvelope(Buffer.from('{"s":"a","m":"m","r":1,"src":"x","p":2,"x":null}\n{}')), /protection 2/);
    assert.throws(() => decodeEnvelope(Buffer.from('{"s":"a","m":"m","r":1,"src":"x","p":1}\n{}')), /protection/);
  });
});
