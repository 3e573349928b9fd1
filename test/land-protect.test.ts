/**
 * Protecting a landing batch (src/land/protect-batch.ts) on the worker pool
 * and on the main thread: the same rows land either way — personal data
 * encrypted under the subject's key, events naming no one withheld, a
 * forgotten subject's events anonymized or dropped by the project's policy.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openContext, type Context } from '../src/cli/context.ts';
import { EventProtector, decryptField, decryptText, fieldAad, sharedProtectPool } from '../src/privacy/index.ts';
import { makeProject } from './helpers/project.ts';
import { addRow, parseEvents, protectBatches, rawRow, routeEvents, type StreamBatch } from '../src/land/index.ts';

const SCHEMA = JSON.stringify({
  type: 'object',
  required: ['time_utc'],
  properties: {
    userId: { type: ['string', 'null'], 'x-pond-pii': 'identifier' },
    email: { type: 'string', 'x-pond-pii': 'personal' },
    time_utc: { type: 'string', format: 'date-time' },
  },
});

async function context(forgotten: 'anonymize' | 'drop'): Promise<Context> {
  const dir = makeProject({
    'pond.config.ts': `import { defineConfig } from 'pond';\nexport default defineConfig({ name: 'pb', privacy: { forgotten: '${forgotten}' } });\n`,
    'pipelines/streams.ts': `import { stream } from 'pond';\nexport const signups = stream({ name: 'signups', schema: 'schemas/signups.json', time: 'time_utc', partition: 'hour', start: '2020-01-01' });\n`,
    'schemas/signups.json': SCHEMA,
  });
  return openContext({ project: dir });
}

const contexts: Context[] = [];
after(async () => {
  await sharedProtectPool().close();
  for (const ctx of contexts) await ctx.close();
});

/** 6,000 events (the pool's size of batch), or 40 (protected on the main thread): u0 is forgotten, every 10th event names no one. */
function text(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++)
    out += `${JSON.stringify({ userId: i % 10 === 9 ? null : `u${i % 100}`, email: `p${i}@example.com`, time_utc: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() })}\n`;
  return out;
}

describe('protect batch', () => {
  for (const policy of ['anonymize', 'drop'] as const) {
    for (const n of [40, 6000]) {
      it(`protects ${n} events alike on the pool and on the main thread (forgotten: ${policy})`, async () => {
        const ctx = await context(policy);
        contexts.push(ctx);
        const stream = ctx.project.streams.get('signups')!;
        const ring = await ctx.keyRing();
        const u0 = ring.pseudonym('u0');
        await ring.keysOf([u0]);
        await ctx.state.forgetSubjectKeys([u0], Date.now());
        ring.evict(u0);

        const routed = routeEvents(stream, parseEvents(text(n)), 'test', Date.now());
        const { batches, withheld, dropped } = await protectBatches(ctx.keyRing, [routed]);
        const rows = [...(batches[0]?.partitions.values() ?? [])].flat();
        const ofU0 = Math.ceil(n / 100);
        const noOne = n / 10;
        assert.equal(dropped, policy === 'drop' ? ofU0 : 0);
        assert.equal(withheld, noOne + (policy === 'drop' ? 0 : ofU0));
        assert.equal(rows.length, n - dropped);
        assert.equal(rows.filter((r) => r.raw === null).length, policy === 'anonymize' ? ofU0 : 0, "u0's events land without `_raw`");
        const keys = await ring.keysOf([...new Set(rows.map((r) => JSON.parse(r.line).e.userId as string | null).filter((u): u is string => u !== null))]);
        for (const row of rows) {
          const line = JSON.parse(row.line);
          assert.equal(row.raw, line._raw);
          assert.equal(row.messageId, line._message_id);
          const subject = line.e.userId as string | null;
          if (subject === null) {
            assert.equal(line.e.email, null);
            // u0's events, anonymized, keep no `_raw`; those naming no one keep the event as it landed.
            if (line._raw === null) assert.equal(policy, 'anonymize');
            else assert.deepEqual(JSON.parse(line._raw), line.e);
            continue;
          }
          const key = keys.get(subject) as Buffer;
          const raw = JSON.parse(decryptText(line._raw, key, fieldAad('signups', '_raw')));
          assert.equal(subject, ring.pseudonym(raw.userId));
          assert.equal(decryptField(line.e.email, key, fieldAad('signups', 'email')), raw.email);
        }
      });
    }
  }

  for (const policy of ['anonymize', 'drop'] as const) {
    it(`lands events protected at collection as they are, but by the policy for a subject forgotten since (forgotten: ${policy})`, async () => {
      const ctx = await context(policy);
      contexts.push(ctx);
      const stream = ctx.project.streams.get('signups')!;
      const ring = await ctx.keyRing();
      const protector = new EventProtector(stream, ring);
      const time = Date.UTC(2026, 0, 1);
      const batch: StreamBatch = { stream, partitions: new Map(), deadLetters: [], receivedAt: time };
      const subjects = ['u1', 'u2'].map((u) => ring.pseudonym(u));
      const keys = await ring.keysOf(subjects);
      const collected = ['u1', 'u2'].map((u, i) => {
        const value = { userId: u, email: `${u}@example.com`, time_utc: new Date(time).toISOString() };
        const p = protector.protect(value, JSON.stringify(value), '203.0.113.9', subjects[i], keys.get(subjects[i] as string) ?? null);
        return { p, subject: subjects[i] as string };
      });
      for (const [i, { p, subject }] of collected.entries()) {
        addRow(
          batch,
          rawRow(
            {
              raw: p.raw,
              event: p.event,
              ip: p.ip,
              eventTime: time,
              receivedAt: time,
              messageId: `m${i}`,
              source: 'app',
              userAgent: null,
              protection: { subject },
            },
            true,
          ),
        );
        batch.deadLetters.push({ stream: 'signups', reason: 'bad', raw: p.raw, source: 'app', messageId: `d${i}`, receivedAt: time, protection: { subject } });
      }
      // u2 is forgotten after collection; this process's key ring may still hold its key.
      await ctx.state.forgetSubjectKeys([subjects[1] as string], Date.now());

      const { batches, dropped } = await protectBatches(ctx.keyRing, [batch], ctx.state);
      const lines = [...(batches[0]?.partitions.values() ?? [])].flat().map((r) => JSON.parse(r.line));
      const letters = batches[0]?.deadLetters ?? [];
      // u1: exactly what the collector made, not protected again.
      const u1 = collected[0]!.p;
      assert.deepEqual([lines[0]?.e, lines[0]?._raw, lines[0]?._ip], [JSON.parse(u1.event), u1.raw, u1.ip]);
      assert.equal(letters[0]?.raw, u1.raw);
      if (policy === 'drop') {
        assert.equal(dropped, 2);
        assert.deepEqual([lines.length, letters.length], [1, 1]);
      } else {
        assert.equal(dropped, 0);
        assert.deepEqual(lines[1]?.e, { userId: null, email: null, time_utc: new Date(time).toISOString() });
        assert.deepEqual([lines[1]?._raw, lines[1]?._ip, letters[1]?.raw], [null, null, null]);
      }
    });
  }
});
