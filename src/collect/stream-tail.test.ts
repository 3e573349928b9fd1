import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { receiptEncoder } from '../event/index.ts';
import { StreamTail } from './stream-tail.ts';

const encode = receiptEncoder({ receivedAt: Date.parse('2026-11-23T19:04:05Z'), source: 'app', ip: null, userAgent: null });
const accepted = (n: number) => encode('events', `m${n}`, Date.parse('2026-11-23T19:00:00Z'), undefined, `{"n":${n}}`);
const none = new Set<string>();

describe('StreamTail', () => {
  it('reads the newest events oldest first, then what arrives after a cursor', () => {
    const tail = new StreamTail(5);
    for (let n = 1; n <= 3; n++) tail.add('events', accepted(n));
    const first = tail.read('events', undefined, 2, none);
    assert.deepEqual(
      first.events.map((e) => e.event),
      [{ n: 2 }, { n: 3 }],
    );
    assert.deepEqual(first.events[0], {
      receivedAt: '2026-11-23T19:04:05.000Z',
      messageId: 'm2',
      source: 'app',
      status: 'accepted',
      eventTime: '2026-11-23T19:00:00.000Z',
      reason: null,
      event: { n: 2 },
      masked: [],
    });
    assert.deepEqual(tail.read('events', first.cursor, 10, none).events, []);
    tail.add('events', encode('events', 'm4', undefined, 'amount: must be number; got "ten"', '{"amount":"ten"}'));
    const next = tail.read('events', first.cursor, 10, none);
    assert.deepEqual(
      next.events.map((e) => [e.messageId, e.status, e.reason]),
      [['m4', 'dead-letter', 'amount: must be number; got "ten"']],
    );
    assert.deepEqual(tail.read('other', undefined, 10, none).events, []);
  });

  it('keeps the last `capacity` events, and says how many a slow reader missed', () => {
    const tail = new StreamTail(3);
    tail.add('events', accepted(1));
    const cursor = tail.read('events', undefined, 10, none).cursor;
    for (let n = 2; n <= 7; n++) tail.add('events', accepted(n));
    const read = tail.read('events', cursor, 10, none);
    assert.deepEqual(
      read.events.map((e) => e.messageId),
      ['m5', 'm6', 'm7'],
    );
    assert.equal(read.missed, 3);
    // A cursor of another process (before a restart) reads as none.
    assert.deepEqual(
      tail.read('events', `00000000.${1}`, 1, none).events.map((e) => e.messageId),
      ['m7'],
    );
  });

  it('moves the cursor past the events a filter leaves out', () => {
    const tail = new StreamTail(10);
    tail.add('events', accepted(1));
    tail.add('events', encode('events', 'bad', undefined, 'why', '{}'));
    tail.add('events', accepted(3));
    const dead = tail.read('events', undefined, 10, none, (e) => e.status === 'dead-letter');
    assert.deepEqual(
      dead.events.map((e) => e.messageId),
      ['bad'],
    );
    assert.deepEqual(tail.read('events', dead.cursor, 10, none).events, []);
  });

  it('wakes a waiting reader when its stream receives events, and lets it go when its signal aborts', async () => {
    const tail = new StreamTail(10);
    const cursor = tail.read('events', undefined, 10, none).cursor;
    const waiting = tail.wait('events', cursor, new AbortController().signal);
    tail.add('events', accepted(1));
    tail.notify('events');
    await waiting;
    assert.equal(tail.read('events', cursor, 10, none).events.length, 1);
    const stop = new AbortController();
    const later = tail.wait('events', tail.read('events', undefined, 10, none).cursor, stop.signal);
    stop.abort();
    await later;
  });

  it('masks the encrypted values of a protected envelope and shows no protected dead letter', () => {
    const tail = new StreamTail(10);
    const landed = JSON.stringify({ user_id: 'ps_AAAAAAAAAAAAAAAAAAAAAA', email: 'enc:v1:ps_AAAAAAAAAAAAAAAAAAAAAA:c2VjcmV0', n: 1 });
    tail.add(
      'signups',
      encode('signups', 'p1', 0, undefined, { event: landed, raw: 'enc:v1:ps_AAAAAAAAAAAAAAAAAAAAAA:cmF3', ip: null, subject: 'ps_AAAAAAAAAAAAAAAAAAAAAA' }),
    );
    tail.add('signups', encode('signups', 'p2', undefined, 'n: must be integer; got "x"', { event: '', raw: 'enc:v1:ps_B:eA', ip: null, subject: 'ps_B' }));
    const [event, letter] = tail.read('signups', undefined, 10, new Set(['email', '_raw', '_ip'])).events;
    assert.deepEqual(event?.event, { user_id: 'ps_AAAAAAAAAAAAAAAAAAAAAA', email: 'enc:v1:ps_AAAAAAAAAAAAAAAAAAAAAA:…', n: 1 });
    assert.deepEqual(event?.masked, ['email']);
    assert.equal(letter?.event, null);
    assert.equal(letter?.reason, 'n: must be integer; got "x"');
  });
});
