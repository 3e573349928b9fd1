import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeSegmentMessage, parseBasicAuthUser, type SegmentEnvelope } from './segment.ts';

const receivedAt = Date.parse('2024-03-07T12:00:05.000Z');
const envelope = (more: Partial<SegmentEnvelope> = {}): SegmentEnvelope => ({ receivedAt, newMessageId: () => 'generated-1', ...more });

function message(item: Record<string, unknown>, more: Partial<SegmentEnvelope> = {}): Record<string, unknown> {
  const result = normalizeSegmentMessage(item, envelope(more));
  if ('error' in result) assert.fail(`expected a message, got the error: ${result.error}`);
  return result.message;
}

function error(item: Record<string, unknown>, more: Partial<SegmentEnvelope> = {}): string {
  const result = normalizeSegmentMessage(item, envelope(more));
  if ('message' in result) assert.fail(`expected an error, got ${JSON.stringify(result.message)}`);
  return result.error;
}

describe('normalizeSegmentMessage', () => {
  it('completes a batch message: corrected timestamp, merged context, key order', () => {
    const out = message(
      {
        userId: 'u1',
        context: { ip: '203.0.113.9', library: { name: 'own' } },
        type: 'track',
        event: 'Order Completed',
        properties: { total: 10 },
        timestamp: '2024-03-07T12:00:00.000Z',
        messageId: 'm-1',
        receivedAt: 'ignored',
      },
      {
        batchContext: { library: { name: 'analytics-node', version: '1.0' }, locale: 'de-DE' },
        batchIntegrations: { All: false },
        sentAt: '2024-03-07T12:00:10.000Z',
      },
    );
    assert.deepEqual(out, {
      type: 'track',
      messageId: 'm-1',
      // The client's clock is 5 s ahead: it stamped 12:00:00 and sent at 12:00:10, which arrived at 12:00:05.
      timestamp: '2024-03-07T11:59:55.000Z',
      originalTimestamp: '2024-03-07T12:00:00.000Z',
      sentAt: '2024-03-07T12:00:10.000Z',
      receivedAt: '2024-03-07T12:00:05.000Z',
      userId: 'u1',
      context: { library: { name: 'own' }, locale: 'de-DE', ip: '203.0.113.9' },
      event: 'Order Completed',
      properties: { total: 10 },
      integrations: { All: false },
    });
    assert.deepEqual(Object.keys(out).slice(0, 6), ['type', 'messageId', 'timestamp', 'originalTimestamp', 'sentAt', 'receivedAt']);
  });

  it('takes the type from the endpoint for single calls, and generates a missing messageId', () => {
    const out = message({ type: 'page', traits: { plan: 'pro' }, userId: 7, messageId: '' }, { type: 'identify' });
    assert.deepEqual(out, {
      type: 'identify',
      messageId: 'generated-1',
      timestamp: '2024-03-07T12:00:05.000Z',
      receivedAt: '2024-03-07T12:00:05.000Z',
      traits: { plan: 'pro' },
      userId: '7',
    });
  });

  it('prefers the message’s own sentAt over the batch’s', () => {
    const out = message(
      { type: 'screen', anonymousId: 'a', timestamp: '2024-03-07T12:00:00Z', sentAt: '2024-03-07T12:00:01Z' },
      { sentAt: '2024-03-07T13:00:00Z' },
    );
    assert.equal(out.timestamp, '2024-03-07T12:00:04.000Z');
    assert.equal(out.sentAt, '2024-03-07T12:00:01Z');
  });

  it('uses the client’s timestamp as sent when there is no sentAt, normalized to ISO', () => {
    const out = message({ type: 'page', anonymousId: 'a', timestamp: '2024-03-07T13:00:00.123456+01:00' });
    assert.equal(out.timestamp, '2024-03-07T12:00:00.123Z');
    assert.equal(out.originalTimestamp, '2024-03-07T13:00:00.123456+01:00');
    assert.equal('sentAt' in out, false);
    assert.equal(message({ type: 'page', anonymousId: 'a', timestamp: '0099-12-31' }).timestamp, '0099-12-31T00:00:00.000Z');
    assert.equal(message({ type: 'page', anonymousId: 'a', timestamp: '2024-03-07 12:00:00-0530' }).timestamp, '2024-03-07T17:30:00.000Z');
  });

  it('rejects timestamps that are not ISO 8601 dates', () => {
    assert.equal(error({ type: 'page', anonymousId: 'a', timestamp: 'yesterday' }), 'timestamp: not a date: "yesterday" (send an ISO 8601 date-time)');
    assert.match(error({ type: 'page', anonymousId: 'a', timestamp: '2023-02-29T00:00:00Z' }), /^timestamp: not a date/);
    assert.match(error({ type: 'page', anonymousId: 'a', timestamp: 1_709_812_800_000 }), /^timestamp: not a date: 1709812800000/);
    assert.match(error({ type: 'page', anonymousId: 'a' }, { sentAt: 'March 7' }), /^sentAt: not a date: "March 7"/);
  });

  it('requires a known type', () => {
    assert.equal(error({ type: 'Track', userId: 'u' }), 'type must be one of track, identify, page, screen, group, alias; got "Track"');
    assert.match(error({ userId: 'u' }), /got nothing$/);
  });

  it('requires the identity fields each call needs, naming them', () => {
    assert.equal(error({ type: 'identify', traits: {} }), 'userId or anonymousId is required (a non-empty string or a number)');
    assert.equal(error({ type: 'identify', userId: '' }), 'userId must be a non-empty string or a number; got ""');
    assert.equal(error({ type: 'identify', userId: { id: 1 } }), 'userId must be a non-empty string or a number; got {"id":1}');
    assert.equal(error({ type: 'track', userId: 'u' }), 'event is required for track calls (a non-empty string); got nothing');
    assert.equal(error({ type: 'group', userId: 'u' }), 'groupId is required for group calls');
    assert.equal(error({ type: 'alias', anonymousId: 'a', previousId: 'p' }), 'userId is required for alias calls: the new id');
    assert.equal(error({ type: 'alias', userId: 'u' }), 'previousId is required for alias calls: the old id');
    assert.deepEqual(
      [message({ type: 'group', anonymousId: 'a', groupId: 12 }).groupId, message({ type: 'alias', userId: 'u', previousId: 3 }).previousId],
      ['12', '3'],
    );
  });

  it('rejects a context that is not an object, from the message or the batch', () => {
    assert.equal(error({ type: 'page', anonymousId: 'a', context: 'web' }), 'context must be an object; got "web"');
    assert.equal(error({ type: 'page', anonymousId: 'a' }, { batchIntegrations: [1] }), 'integrations of the batch must be an object; got [1]');
    assert.equal(message({ type: 'page', anonymousId: 'a', context: null }).context, null);
    assert.deepEqual(message({ type: 'page', anonymousId: 'a', context: null }, { batchContext: { a: 1 } }).context, { a: 1 });
  });

  it('keeps a "__proto__" key as data', () => {
    const item = JSON.parse('{"type":"page","anonymousId":"a","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const out = message(item);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { polluted: true });
  });
});

describe('parseBasicAuthUser', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('returns the user, which Segment SDKs set to the write key', () => {
    assert.equal(parseBasicAuthUser(basic('wk_123:')), 'wk_123');
    assert.equal(parseBasicAuthUser(basic('wk_123:secret:with:colons')), 'wk_123');
    assert.equal(parseBasicAuthUser(basic('wk_123')), 'wk_123');
    assert.equal(parseBasicAuthUser(`basic   ${Buffer.from('wk:').toString('base64')}  `), 'wk');
  });

  it('returns undefined when there is no usable user', () => {
    assert.equal(parseBasicAuthUser(undefined), undefined);
    assert.equal(parseBasicAuthUser(''), undefined);
    assert.equal(parseBasicAuthUser('Bearer abc'), undefined);
    assert.equal(parseBasicAuthUser('Basic'), undefined);
    assert.equal(parseBasicAuthUser('Basic not*base64'), undefined);
    assert.equal(parseBasicAuthUser(basic(':password')), undefined);
  });
});
