/**
 * The collector's answers, request by request, against a running platform
 * (buffer, lander, HTTP server) on a temporary project — and then the lake:
 * every event that was accepted is in its stream or in the dead letters with
 * its reason, and nothing else is.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openContext, type Context } from '../src/cli/context.ts';
import { startPlatform, type Platform } from '../src/serve/index.ts';
import { APP_KEY, WEB_KEY, makeCollectProject } from './helpers/collect-project.ts';
import { pondJson, until } from './helpers/project.ts';

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

describe('the collector', () => {
  let dir: string;
  let ctx: Context;
  let platform: Platform;
  let url: string;
  /** user_id of every event the collector accepted into `events`, and of those it dead-lettered. */
  const accepted = new Set<string>();
  const deadLettered = new Set<string>();
  let n = 0;
  const event = (overrides: Record<string, unknown> = {}) => ({ user_id: `u${++n}`, time_utc: hourAgo(), amount: 1, ...overrides });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-pond-write-key': APP_KEY, ...headers } });
  const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers });

  before(async () => {
    dir = makeCollectProject();
    ctx = await openContext({ project: dir });
    platform = await startPlatform({ ctx, port: 0 });
    url = platform.url;
  });
  after(async () => {
    await platform.close();
    await ctx.close();
  });

  it('accepts a JSON array and NDJSON, and says how many', async () => {
    const a = event();
    const b = event();
    const r1 = await json(await post('/v1/streams/events/events', JSON.stringify([a, b])));
    assert.equal(r1.status, 200);
    assert.deepEqual(r1.body, { accepted: 2, deadLettered: 0, refused: 0, errors: [] });
    const c = event();
    const d = event();
    const r2 = await json(
      await post('/v1/streams/events/events', `${JSON.stringify(c)}\r\n\n${JSON.stringify(d)}\n`, { 'content-type': 'application/x-ndjson' }),
    );
    assert.deepEqual(r2.body, { accepted: 2, deadLettered: 0, refused: 0, errors: [] });
    const e = event();
    const r3 = await json(await post('/v1/streams/events/events', JSON.stringify(e)));
    assert.equal(r3.body.accepted, 1);
    for (const x of [a, b, c, d, e]) accepted.add(x.user_id);
  });

  it('accepts events that fail their schema into the dead letters, reporting each by index', async () => {
    const good = event();
    const cases = [
      event({ amount: 'ten' }), // wrong type
      { user_id: `u${++n}`, time_utc: hourAgo() }, // missing field
      event({ time_utc: '2031-01-01T00:00:00Z' }), // years ahead
      event({ time_utc: '2001-01-01T00:00:00Z' }), // before the stream's start
      event({ time_utc: 'yesterday' }),
      event({ count: -1 }), // becomes a whole number JavaScript cannot hold, below
    ];
    const body = `[${[good, ...cases].map((x) => JSON.stringify(x)).join(',')}, 1e400, "just a string"]`;
    const r = await json(await post('/v1/streams/events/events', body.replace('"count":-1', '"count":123456789012345678901234')));
    assert.equal(r.status, 200);
    assert.equal(r.body.accepted, 1);
    assert.equal(r.body.deadLettered, 8);
    const errors = r.body.errors as Array<{ index: number; reason: string }>;
    assert.deepEqual(
      errors.map((e) => e.index),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.match(errors[0]!.reason, /does not match schema.*amount/);
    assert.match(errors[1]!.reason, /amount/);
    assert.match(errors[2]!.reason, /years ahead of the time it was received/);
    assert.match(errors[3]!.reason, /before the stream's start/);
    assert.match(errors[4]!.reason, /time_utc/);
    assert.match(errors[5]!.reason, /count: whole number .* larger than 2\^53/);
    assert.match(errors[6]!.reason, /not a JSON object/);
    accepted.add(good.user_id);
    for (const x of cases) deadLettered.add(x.user_id as string);
  });

  it('refuses what a retry cannot fix with 400, and names the problem', async () => {
    const cases: Array<[string, string | Buffer, Record<string, string>, RegExp]> = [
      ['malformed JSON', '[{"user_id": "x", }]', {}, /not JSON|JSON/i],
      ['a truncated body', '[{"user_id": "x", "time_utc": "2026-', {}, /JSON|end/i],
      ['invalid UTF-8', Buffer.from([0x5b, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x5d]), {}, /not valid UTF-8/],
      ['deep nesting', `[${'['.repeat(200)}${']'.repeat(200)}]`, {}, /nesting deeper than/],
      ['a wrong content type', 'user_id=x', { 'content-type': 'application/x-www-form-urlencoded' }, /wrong content type/],
      ['a malformed NDJSON line', '{"user_id":"x"}\n{oops\n', { 'content-type': 'application/x-ndjson' }, /line 2/],
    ];
    for (const [what, body, headers, reason] of cases) {
      const r = await json(await post('/v1/streams/events/events', body, headers));
      assert.equal(r.status, 400, what);
      assert.match(String(r.body.error), reason, what);
    }
  });

  it('answers 413 for an event over 32 KB and a request over 500 KB', async () => {
    const big = await json(await post('/v1/streams/events/events', JSON.stringify([event(), event({ pad: 'x'.repeat(40_000) })])));
    assert.equal(big.status, 413);
    assert.match(String(big.body.error), /index 1 is \d+ bytes; the limit is 32768/);
    const many = Array.from({ length: 3000 }, () => JSON.stringify(event({ pad: 'y'.repeat(150) }))).join('\n');
    const huge = await json(await post('/v1/streams/events/events', many, { 'content-type': 'application/x-ndjson' }));
    assert.equal(huge.status, 413);
    assert.match(String(huge.body.error), /over 512000 bytes/);
  });

  it('answers 401 for a missing or unknown key, 403 for a stream the key may not write, 404 for an unknown stream', async () => {
    const body = JSON.stringify([event()]);
    const none = await json(await fetch(`${url}/v1/streams/events/events`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
    assert.equal(none.status, 401);
    assert.match(String(none.body.error), /missing write key/);
    const unknown = await json(await post('/v1/streams/events/events', body, { 'x-pond-write-key': 'not-a-key-at-all' }));
    assert.equal(unknown.status, 401);
    assert.match(String(unknown.body.error), /unknown write key/);
    const forbidden = await json(await post('/v1/streams/events/events', body, { 'x-pond-write-key': WEB_KEY }));
    assert.equal(forbidden.status, 403);
    const missing = await json(await post('/v1/streams/nope/events', body));
    assert.equal(missing.status, 404);
    assert.match(String(missing.body.error), /unknown stream "nope"/);
  });

  it('takes Segment calls: batch context merged, clock corrected, key as Basic auth or in the body', async () => {
    const basic = `Basic ${Buffer.from(`${WEB_KEY}:`).toString('base64')}`;
    const sentAt = new Date(Date.now() + 3_600_000).toISOString(); // the client's clock is an hour fast
    const original = new Date(Date.now() + 3_600_000 - 10_000).toISOString();
    const batch = {
      batch: [
        { type: 'track', event: 'Clicked', userId: 'seg-1', messageId: 'seg-m1', timestamp: original, context: { page: { path: '/a' } } },
        { type: 'page', anonymousId: 'anon-1', messageId: 'seg-m2', name: 'Home' },
        { type: 'track', messageId: 'seg-m3' }, // no user, no event name
      ],
      context: { library: { name: 'test' } },
      sentAt,
    };
    const r = await json(await post('/v1/batch', JSON.stringify(batch), { authorization: basic, 'x-pond-write-key': '' }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.accepted, 2);
    assert.equal(r.body.deadLettered, 1);
    const single = await json(
      await post('/v1/track', JSON.stringify({ writeKey: WEB_KEY, userId: 'seg-2', event: 'Bought', messageId: 'seg-m4' }), { 'x-pond-write-key': '' }),
    );
    assert.equal(single.status, 200, JSON.stringify(single.body));
    const bad = await json(
      await post('/v1/batch', JSON.stringify({ batch: [] }), {
        authorization: `Basic ${Buffer.from('wrong-key:').toString('base64')}`,
        'x-pond-write-key': '',
      }),
    );
    assert.equal(bad.status, 401);

    await until('landing', () => (platform.lander.pending() === 0 ? true : undefined), 20_000, 50);
    const rows = pondJson<Array<{ messageId: string; timestamp: string; context: string }>>(
      dir,
      'query',
      'select messageId, timestamp::varchar as timestamp, context::varchar as context from web order by messageId',
    );
    assert.deepEqual(
      rows.map((x) => x.messageId),
      ['seg-m1', 'seg-m2', 'seg-m4'],
    );
    // timestamp = receivedAt − (sentAt − originalTimestamp): 10 s before receipt, whatever the client's clock said.
    const skew = Date.now() - Date.parse(rows[0]!.timestamp);
    assert.ok(skew > 9_000 && skew < 70_000, `corrected timestamp is ${skew} ms before now`);
    assert.match(rows[0]!.context, /library/);
    assert.match(rows[0]!.context, /page/);
  });

  it('serves CORS preflights and health', async () => {
    const pre = await fetch(`${url}/v1/batch`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`${url}/readyz`)).json(), { ready: true });
  });

  it('lands every accepted event in its stream or the dead letters, once, with the reason', async () => {
    await until('landing', () => (platform.lander.pending() === 0 ? true : undefined), 20_000, 50);
    const rows = pondJson<Array<{ user_id: string }>>(dir, 'query', 'select user_id from events');
    assert.deepEqual(rows.map((r) => r.user_id).sort(), [...accepted].sort());
    const dead = pondJson<Array<{ raw: string; reason: string; stream: string }>>(
      dir,
      'query',
      "select _raw as raw, reason, stream from dead_letters where stream = 'events'",
    );
    for (const id of deadLettered) {
      const letter = dead.find((d) => d.raw.includes(`"${id}"`));
      assert.ok(letter, `dead letter for ${id}`);
      assert.ok(letter.reason.length > 0);
    }
    assert.equal(dead.length, deadLettered.size + 2); // and the two non-objects
    const enriched = pondJson<Array<{ ip: string; source: string }>>(dir, 'query', 'select distinct _ip as ip, _source as source from events');
    assert.deepEqual(enriched, [{ ip: '127.0.0.1', source: 'app' }]);
  });
});
