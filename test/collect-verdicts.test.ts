/**
 * What the collector says of an event is what becomes of it, and says it so
 * that the sender can fix it: an event the lake cannot store (text with a
 * lone surrogate) is a dead letter in the answer, not a 200 `accepted` that
 * lands as a dead letter later; a reason names the field, the offending value
 * (cut short, never a personal one) and what was allowed, and never a path of
 * the server; a Segment call that fails Segment's checks keeps the client's
 * messageId and the exact bytes it sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openContext, type Context } from '../src/cli/context.ts';
import { startPlatform, type Platform } from '../src/serve/index.ts';
import { makeProject, pondJson, until } from './helpers/project.ts';

const APP_KEY = 'app-key-0123456789';
const WEB_KEY = 'web-key-0123456789';

const ORDERS = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['order_id', 'time_utc'],
  additionalProperties: false,
  properties: {
    order_id: { type: 'string' },
    time_utc: { type: 'string', format: 'date-time' },
    plan: { enum: ['free', 'pro', 'team'] },
    sku: { type: 'string', pattern: '^[A-Z]{3}-\\d+$' },
    version: { const: 2 },
    qty: { type: 'integer', minimum: 1 },
    note: { type: 'string', maxLength: 5 },
    amount: { type: 'number' },
    contact: { type: 'string', format: 'email' },
  },
});

const SIGNUPS = JSON.stringify({
  type: 'object',
  required: ['time_utc'],
  properties: {
    user_id: { type: 'string', 'x-pond-pii': 'identifier' },
    email: { type: 'string', format: 'email', 'x-pond-pii': 'personal' },
    plan: { enum: ['free', 'pro'] },
    time_utc: { type: 'string', format: 'date-time' },
  },
});

const WEB = JSON.stringify({
  type: 'object',
  required: ['type', 'messageId', 'timestamp'],
  properties: { type: { type: 'string' }, messageId: { type: 'string' }, timestamp: { type: 'string', format: 'date-time' } },
});

function project(): string {
  return makeProject({
    'pond.config.ts': `import { defineConfig } from 'pond';
export default defineConfig({
  name: 'collect-verdicts',
  concurrency: 2,
  collect: { host: '127.0.0.1', sources: { app: { writeKey: '${APP_KEY}', streams: ['orders', 'signups'] }, web: { writeKey: '${WEB_KEY}', segment: 'web' } } },
  land: { interval: '200ms' },
});
`,
    'pipelines/streams.ts': `import { stream } from 'pond';
export const orders = stream({ name: 'orders', schema: 'schemas/orders.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
export const signups = stream({ name: 'signups', schema: 'schemas/signups.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
export const web = stream({ name: 'web', schema: 'schemas/web.json', time: 'timestamp', partition: 'hour', lateness: '1m', start: '2020-01-01' });
`,
    'schemas/orders.json': ORDERS,
    'schemas/signups.json': SIGNUPS,
    'schemas/web.json': WEB,
  });
}

interface Answer {
  accepted: number;
  deadLettered: number;
  refused: number;
  errors: Array<{ index: number; reason: string }>;
}

describe('verdicts at receipt', () => {
  let dir: string;
  let ctx: Context;
  let platform: Platform;
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();

  const post = async (path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${platform.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-pond-write-key': APP_KEY, ...headers },
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as Answer;
  };
  const landed = () => until('landing', () => (platform.lander.pending() === 0 ? true : undefined), 20_000, 50);

  before(async () => {
    dir = project();
    ctx = await openContext({ project: dir });
    platform = await startPlatform({ ctx, port: 0 });
  });
  after(async () => {
    await platform.close();
    await ctx.close();
  });

  it('answers text with a lone surrogate as a dead letter, keeps it exactly as sent, and lands what is well formed', async () => {
    const events = [
      `{"order_id":"lone-high","time_utc":"${hourAgo}","note":"a\\ud800b"}`,
      `{"order_id":"lone-low","time_utc":"${hourAgo}","sku":"\\udc00"}`,
      `{"order_id":"lone-key","time_utc":"${hourAgo}","x\\ud800":1}`,
      `{"order_id":"pair","time_utc":"${hourAgo}","note":"\\ud83d\\ude00"}`,
    ];
    const answer = await post('/v1/streams/orders/events', `[${events.join(',')}]`);
    assert.equal(answer.accepted, 1, JSON.stringify(answer));
    assert.equal(answer.deadLettered, 3);
    assert.deepEqual(
      answer.errors.map((e) => e.index),
      [0, 1, 2],
    );
    assert.match(answer.errors[0]!.reason, /^note: text holds a lone surrogate \(\\ud800 at character 1\)/);
    assert.match(answer.errors[1]!.reason, /^sku: text holds a lone surrogate \(\\udc00 at character 0\)/);
    assert.match(answer.errors[2]!.reason, /^x\\ud800: the name of a field holds a lone surrogate/);

    await landed();
    const rows = pondJson<Array<{ order_id: string; note: string }>>(dir, 'query', 'select order_id, note from orders');
    assert.deepEqual(rows, [{ order_id: 'pair', note: '😀' }]);
    const dead = pondJson<Array<{ raw: string; reason: string }>>(
      dir,
      'query',
      "select _raw as raw, reason from dead_letters where stream = 'orders' order by raw",
    );
    assert.deepEqual(
      dead.map((d) => d.raw),
      [events[0], events[2], events[1]],
    );
    for (const d of dead) assert.match(d.reason, /lone surrogate/);
  });

  it('answers a date-time the schema allows but a timestamp column does not (a lowercase t or z) as a dead letter', async () => {
    const lower = hourAgo.replace('T', 't').replace('Z', 'z');
    const answer = await post('/v1/streams/orders/events', JSON.stringify([{ order_id: 'lower-tz', time_utc: lower }]));
    assert.equal(answer.deadLettered, 1, JSON.stringify(answer));
    assert.equal(
      answer.errors[0]!.reason,
      `time_utc: "${lower}" is a date-time the lake cannot store as a timestamp; write it as 2026-11-23T19:04:05Z (T and Z in capitals, seconds 00 to 59)`,
    );
    await landed();
    assert.deepEqual(pondJson(dir, 'query', "select order_id from orders where order_id = 'lower-tz'"), []);
  });

  it('names the offending value and what was allowed, for each kind of schema rule', async () => {
    const base = { time_utc: hourAgo };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ plan: 'gold' }, /plan: must be one of "free", "pro", "team"; got "gold"$/],
      [{ amount: 'ten' }, /amount: must be number; got "ten"$/],
      [{ sku: 'abc-1' }, /sku: must match pattern "\^\[A-Z\]\{3\}-\\d\+\$"; got "abc-1"$/],
      [{ contact: 'not-an-email' }, /contact: must match format "email"; got "not-an-email"$/],
      [{ version: 3 }, /version: must be 2; got 3$/],
      [{ qty: 0 }, /qty: must be >= 1; got 0$/],
      [{ note: 'x'.repeat(500) }, /note: must NOT have more than 5 characters; got "x{58}…" \(500 characters\)$/],
      [{ colour: 'red' }, /colour: not a property the schema allows/],
      [{ time_utc: 'soon' }, /time_utc: must match format "date-time"; got "soon"$/],
    ];
    const body = cases.map(([fields], i) => JSON.stringify({ order_id: `r${i}`, ...base, ...fields })).join('\n');
    const answer = await post('/v1/streams/orders/events', body, { 'content-type': 'application/x-ndjson' });
    assert.equal(answer.deadLettered, cases.length, JSON.stringify(answer));
    for (const [i, [, reason]] of cases.entries()) assert.match(answer.errors[i]!.reason, reason, `case ${i}`);

    await landed();
    const dead = pondJson<Array<{ reason: string }>>(dir, 'query', 'select reason from dead_letters where _raw like \'%"order_id":"r0"%\'');
    assert.match(dead[0]!.reason, /got "gold"/);
  });

  it('never quotes the value of a personal field, in the answer or the dead letter', async () => {
    const answer = await post(
      '/v1/streams/signups/events',
      JSON.stringify([
        { user_id: 'ada-secret-id', email: 'ada-at-example', time_utc: hourAgo },
        { user_id: 'bob', email: 'bob@mail.example', plan: 'gold', time_utc: hourAgo },
      ]),
    );
    assert.equal(answer.deadLettered, 2);
    assert.equal(
      answer.errors[0]!.reason,
      'does not match schema schemas/signups.json: email: must match format "email"; got a value not shown (personal data)',
    );
    assert.match(answer.errors[1]!.reason, /plan: must be one of "free", "pro"; got "gold"$/);
    await landed();
    const reasons = pondJson<Array<{ reason: string }>>(dir, 'query', "select reason from dead_letters where stream = 'signups' order by reason");
    assert.deepEqual(
      reasons.map((r) => r.reason),
      answer.errors.map((e) => e.reason).sort(),
    );
    for (const r of reasons) assert.doesNotMatch(r.reason, /ada|bob/);
  });

  it("keeps a Segment call that fails Segment's checks with the client's messageId and its exact bytes", async () => {
    const item = '{ "type" : "track",  "messageId":"seg-bad-1", "event": "Clicked" ,"properties":{"price":1.50} }';
    const lone = '{"type":"track","messageId":"seg-lone-1","userId":"u2","event":"x\\ud800"}';
    // And a messageId of its own with a lone surrogate: the dead letter keeps it, escaped.
    const loneId = '{"type":"track","messageId":"seg-lone-2\\udc00","userId":"u3","event":"E"}';
    const body = `{"batch":[${item}, {"type":"track","messageId":"seg-ok-1","userId":"u1","event":"Ok"}, ${lone}, ${loneId}], "sentAt":"${new Date().toISOString()}"}`;
    const answer = await post('/v1/batch', body, { 'x-pond-write-key': WEB_KEY });
    assert.equal(answer.deadLettered, 3, JSON.stringify(answer));
    assert.match(answer.errors[0]!.reason, /userId or anonymousId is required/);
    assert.match(answer.errors[1]!.reason, /^event: text holds a lone surrogate/);
    await landed();
    const dead = pondJson<Array<{ id: string; raw: string }>>(
      dir,
      'query',
      "select _message_id as id, _raw as raw from dead_letters where stream = 'web' order by id",
    );
    assert.deepEqual(dead[0], { id: 'seg-bad-1', raw: item });
    assert.equal(dead[1]?.id, 'seg-lone-1');
    assert.equal(dead[2]?.id, 'seg-lone-2\\udc00');
  });

  it('tells no path of the server in any reason', async () => {
    await landed();
    const reasons = pondJson<Array<{ reason: string }>>(dir, 'query', 'select reason from dead_letters');
    assert.ok(reasons.length > 10);
    for (const r of reasons) assert.doesNotMatch(r.reason, /_staging|\.ndjson|\/tmp\/|in file/, r.reason);
  });
});
