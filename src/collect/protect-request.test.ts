import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { StreamModel } from '../config/index.ts';
import { CHUNK_EVENTS, ProtectPool, decryptField, decryptText, fieldAad, withheldText } from '../privacy/index.ts';
import { protectRequest, type CollectedEvent } from './protect-request.ts';

const pseudonym = (id: string) => `ps_${createHash('sha256').update(id).digest('base64url').slice(0, 22)}`;

/** A key ring over a map: a key for every subject but the forgotten ones; counts its calls. */
function ring(forgotten: readonly string[] = []) {
  const keys = new Map<string, Buffer>();
  const calls: string[][] = [];
  return {
    calls,
    keys,
    pseudonym,
    async keysOf(pseudonyms: Iterable<string>) {
      const asked = [...pseudonyms];
      calls.push(asked);
      const out = new Map<string, Buffer | null>();
      for (const p of asked) {
        if (forgotten.includes(p)) out.set(p, null);
        else {
          if (!keys.has(p)) keys.set(p, randomBytes(32));
          out.set(p, keys.get(p) as Buffer);
        }
      }
      return out;
    },
  };
}

function stream(forgotten: 'anonymize' | 'drop' = 'anonymize'): StreamModel {
  return { name: 'signups', pii: { identifiers: ['user_id'], personal: ['email'] }, forgotten } as unknown as StreamModel;
}

const event = (value: unknown, deadLetter?: string, s = stream()): CollectedEvent => ({ stream: s, value, raw: JSON.stringify(value), deadLetter });

describe('protect request', () => {
  it('protects every event as it will land, with one call for the keys of all the subjects', async () => {
    const keys = ring();
    const events = [
      event({ user_id: 'u1', email: 'ada@mail.example', n: 1 }),
      event({ user_id: 'u2', email: 'bob@mail.example', n: 2 }),
      event({ user_id: 'u1', email: 'ada@mail.example', n: 3 }),
    ];
    const guarded = await protectRequest(keys, events, '203.0.113.9');
    assert.equal(keys.calls.length, 1);
    assert.deepEqual(new Set(keys.calls[0]), new Set([pseudonym('u1'), pseudonym('u2')]));
    for (const [i, g] of guarded.entries()) {
      assert.ok(g);
      const text = JSON.stringify(g);
      for (const secret of ['ada@mail.example', 'bob@mail.example', '203.0.113.9']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
      for (const id of ['"u1"', '"u2"']) assert.ok(!g.text.event.includes(id), `${id} in ${g.text.event}`);
      assert.ok(g.text.raw?.startsWith('enc:v1:') && g.text.ip?.startsWith('enc:v1:'));
      const landed = JSON.parse(g.text.event);
      const subject = landed.user_id as string;
      assert.equal(g.text.subject, subject);
      const key = keys.keys.get(subject) as Buffer;
      assert.equal(decryptField(landed.email, key, fieldAad('signups', 'email')), (events[i]?.value as { email: string }).email);
      assert.equal(decryptText(g.text.raw as string, key, fieldAad('signups', '_raw')), events[i]?.raw);
      assert.equal(decryptField(g.text.ip as string, key, fieldAad('signups', '_ip')), '203.0.113.9');
      assert.equal(landed.n, i + 1);
    }
  });

  it('protects dead letters: `_raw` encrypted for a subject, withheld for what is no object, and reasons without quotes of the event', async () => {
    const keys = ring();
    const notJson = 'just a string from eve@mail.example';
    const [named, noObject, nobody] = await protectRequest(
      keys,
      [
        event({ user_id: 'u3', email: 'cy@mail.example', amount: 'ten' }, 'does not match schema: amount must be number'),
        { stream: stream(), value: notJson, raw: JSON.stringify(notJson), deadLetter: `not a JSON object (got "${notJson.slice(0, 20)}"...)` },
        event({ user_id: null, email: 'dan@mail.example' }, 'time_utc: missing'),
      ],
      '203.0.113.9',
    );
    const key = keys.keys.get(pseudonym('u3')) as Buffer;
    assert.deepEqual([named?.text.event, named?.text.ip, named?.text.subject], ['', null, pseudonym('u3')]);
    assert.equal(JSON.parse(decryptText(named?.text.raw as string, key, fieldAad('signups', '_raw'))).email, 'cy@mail.example');
    assert.equal(named?.deadLetter, 'does not match schema: amount must be number');
    assert.equal(noObject?.text.raw, withheldText('signups'));
    assert.equal(noObject?.deadLetter, 'not a JSON object (got "…")');
    assert.deepEqual(JSON.parse(nobody?.text.raw as string), { user_id: null, email: null });
  });

  it("gives a subject forgotten already the project's policy: anonymized (no identifier, personal field, IP or `_raw`), or left out", async () => {
    const gone = pseudonym('u9');
    const value = { user_id: 'u9', email: 'zed@mail.example', plan: 'pro' };
    const [anonymized, deadAnonymized] = await protectRequest(ring([gone]), [event(value), event(value, 'bad')], '203.0.113.9');
    assert.deepEqual(anonymized?.text, { event: '{"user_id":null,"email":null,"plan":"pro"}', raw: null, ip: null, subject: null });
    assert.deepEqual(deadAnonymized?.text, { event: '', raw: null, ip: null, subject: null });
    const dropped = await protectRequest(
      ring([gone]),
      [event(value, undefined, stream('drop')), event({ ...value, user_id: 'u8' }, undefined, stream('drop')), event(value, 'bad', stream('drop'))],
      null,
    );
    assert.equal(dropped[0], undefined);
    assert.ok(dropped[1]);
    assert.equal(dropped[2], undefined);
  });

  it('asks for no key when no event names a subject', async () => {
    const keys = ring();
    const [g] = await protectRequest(keys, [event({ email: 'x@mail.example' })], '203.0.113.9');
    assert.equal(keys.calls.length, 0);
    assert.deepEqual(g?.text, { event: '{"email":null}', raw: '{"email":null}', ip: null, subject: null });
  });

  it('protects a big request on the worker pool, in order, as it does here', async () => {
    const pool = new ProtectPool(2);
    try {
      const keys = ring();
      const events = Array.from({ length: CHUNK_EVENTS * 2 + 100 }, (_, n) => event({ user_id: `u${n % 37}`, email: `p${n}@mail.example`, n }));
      events.splice(7, 0, event({ user_id: 'u1', email: 'dead@mail.example' }, 'bad'));
      for (const [options, where] of [
        [{ pool: () => pool }, 'pool'],
        [{ pool: () => new ProtectPool(0) }, 'main thread, the pool having no workers'],
      ] as const) {
        const guarded = await protectRequest(keys, events, '203.0.113.9', options);
        assert.equal(guarded.length, events.length);
        for (const [i, g] of guarded.entries()) {
          const e = events[i] as CollectedEvent;
          const key = keys.keys.get(g?.text.subject as string) as Buffer;
          assert.equal(decryptText(g?.text.raw as string, key, fieldAad('signups', '_raw')), e.raw, `${where}: event ${i}`);
          if (e.deadLetter !== undefined) {
            assert.equal(g?.text.event, '');
            continue;
          }
          const landed = JSON.parse(g?.text.event as string);
          assert.equal(landed.n, (e.value as { n: number }).n, `${where}: event ${i} in its place`);
          assert.equal(decryptField(g?.text.ip as string, key, fieldAad('signups', '_ip')), '203.0.113.9');
        }
      }
    } finally {
      await pool.close();
    }
  });
});
