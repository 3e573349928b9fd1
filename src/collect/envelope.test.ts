import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEnvelope, receiptEncoder } from './envelope.ts';

describe('envelope', () => {
  it('round-trips the receipt and keeps the event text exactly, newlines and all', () => {
    const raw = '{ "a" : 1.50,\n "b": "é\\n", "n": 123456789012345678901234 }';
    const e = { stream: 'events', messageId: 'm "1"', receivedAt: 1_795_000_000_123, eventTime: 1_794_999_000_000, source: 'app', ip: '203.0.113.0', userAgent: 'curl/8.5 "x"', raw };
    const encoded = receiptEncoder(e)(e.stream, e.messageId, e.eventTime, undefined, e.raw);
    assert.deepEqual(decodeEnvelope(encoded), { ...e, deadLetter: undefined });
  });

  it('carries the dead-letter reason instead of an event time, and no IP or agent when there were none', () => {
    const encode = receiptEncoder({ receivedAt: 5, source: 'web', ip: null, userAgent: null });
    const decoded = decodeEnvelope(encode('web', 'm2', undefined, 'time_utc: missing', 'not json'));
    assert.deepEqual(decoded, { stream: 'web', messageId: 'm2', receivedAt: 5, eventTime: undefined, deadLetter: 'time_utc: missing', source: 'web', ip: null, userAgent: null, raw: 'not json' });
  });

  it('refuses a record that is not an envelope', () => {
    assert.throws(() => decodeEnvelope(Buffer.from('no header line')), /not a Pond envelope/);
    assert.throws(() => decodeEnvelope(Buffer.from('{"x":1}\n{}')), /bad header/);
  });
});
