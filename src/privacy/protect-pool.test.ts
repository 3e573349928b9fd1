import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { PondError } from '../errors/index.ts';
import { rawLine, type Receipt } from '../event/index.ts';
import { EventProtector } from './event-protector.ts';
import { decryptField, decryptText, fieldAad } from './field-cipher.ts';
import { KeyHierarchy } from './keys/index.ts';
import { CHUNK_EVENTS, ProtectPool, type EventToProtect } from './protect-pool.ts';

const stream = { name: 'signups', pii: { identifiers: ['userId', 'anonymousId'], personal: ['email'] } };
const hierarchy = new KeyHierarchy(randomBytes(32));
const key = randomBytes(32);
const pool = new ProtectPool(2);
after(() => pool.close());

function events(n: number): EventToProtect[] {
  return Array.from({ length: n }, (_, i) => {
    const value = { userId: i % 5 === 0 ? null : `u${i % 50}`, anonymousId: `a${i}`, email: `p${i}@example.com`, n: i };
    const receipt: Receipt = {
      raw: JSON.stringify(value),
      eventTime: 1_700_000_000_000 + i,
      receivedAt: 1_700_000_000_000,
      messageId: `m${i}`,
      source: 'test',
      ip: i % 2 ? '203.0.113.9' : null,
      userAgent: null,
    };
    const subject = new EventProtector(stream, hierarchy).subjectOf(value);
    return { receipt, value, subject: i % 7 === 0 ? undefined : subject };
  });
}

describe('protect pool', () => {
  it('protects chunks on worker threads exactly as the main thread would, in order', async () => {
    const input = events(CHUNK_EVENTS * 2 + 17);
    const keys = new Map(input.flatMap((e) => (e.subject === undefined ? [] : [[e.subject, key] as const])));
    const chunks = pool.protect(stream, input, keys, (id) => hierarchy.pseudonym(id));
    assert.equal(chunks.length, 3);
    const landed = (await Promise.all(chunks)).flat();
    assert.equal(landed.length, input.length);
    for (const [i, e] of input.entries()) {
      const got = JSON.parse((landed[i] as { line: string }).line);
      assert.equal(got._message_id, e.receipt.messageId);
      if (e.subject === undefined) {
        // No key: nothing personal kept, `_raw` is the event as it lands.
        assert.equal(landed[i]?.withheld, true);
        assert.equal(got.e.email, null);
        assert.equal(got._ip, null);
        assert.deepEqual(JSON.parse(got._raw), got.e);
        continue;
      }
      assert.equal(landed[i]?.withheld, false);
      assert.equal(decryptText(got._raw, key, fieldAad('signups', '_raw')), e.receipt.raw);
      assert.equal(decryptField(got.e.email, key, fieldAad('signups', 'email')), e.value.email);
      assert.equal(got._ip === null ? null : decryptField(got._ip, key, fieldAad('signups', '_ip')), e.receipt.ip);
      assert.equal(got.e.anonymousId, hierarchy.pseudonym(e.value.anonymousId as string));
      // The same line as the main thread makes, but for the ciphertexts' random nonces.
      const here = new EventProtector(stream, hierarchy).protect(e.value, e.receipt.raw as string, e.receipt.ip, e.subject, key);
      const mine = JSON.parse(rawLine({ ...e.receipt, raw: here.raw, event: here.event, ip: here.ip }));
      assert.deepEqual(Object.keys(got), Object.keys(mine));
      assert.deepEqual({ ...got.e, email: null }, { ...mine.e, email: null });
    }
  });

  it('fails a chunk it cannot protect (INTERNAL), and stays usable', async () => {
    const input = events(3);
    const keys = new Map(input.flatMap((e) => (e.subject === undefined ? [] : [[e.subject, key] as const])));
    const [bad] = pool.protect({ ...stream, pii: { ...stream.pii, identifiers: ['n'] } }, input, keys, () => 'ps_x');
    // The pseudonyms sent are those of `n`; the worker's protector asks for them, and the chunk still protects.
    assert.equal((await bad)?.length, 3);
    const [broken] = pool.protect(stream, input, keys, () => undefined as unknown as string);
    await assert.rejects(broken as Promise<unknown>, /no pseudonym was sent/);
    assert.equal(pool.usable, true);
  });

  it('fails the chunks it cannot take: a pool without workers, or closed with work in flight', async () => {
    const none = new ProtectPool(0);
    assert.equal(none.usable, false);
    const [chunk] = none.protect(stream, events(3), new Map(), (id) => hierarchy.pseudonym(id));
    await assert.rejects(chunk as Promise<unknown>, (e: unknown) => e instanceof PondError && e.code === 'INTERNAL');
    const closing = new ProtectPool(1);
    const input = events(CHUNK_EVENTS * 3);
    const chunks = closing.protect(stream, input, new Map(input.flatMap((e) => (e.subject === undefined ? [] : [[e.subject, key] as const]))), (id) =>
      hierarchy.pseudonym(id),
    );
    const settled = Promise.allSettled(chunks);
    await closing.close();
    assert.deepEqual(
      (await settled).map((r) => r.status),
      ['rejected', 'rejected', 'rejected'],
    );
  });
});
