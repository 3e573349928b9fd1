/**
 * A live tail per stream, like Segment's debugger: `GET
 * /api/streams/:name/tail` answers the last events a stream received,
 * accepted and dead-lettered, with each one's verdict, oldest first; with the
 * answer's cursor as `after` and a `wait`, the request is answered when the
 * next events arrive. Personal values are masked; `pond tail` prints the same.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openContext, type Context } from '../src/cli/context.ts';
import type * as api from '../src/serve/api/index.ts';
import { startPlatform, type Platform } from '../src/serve/index.ts';
import { makeProject, POND } from './helpers/project.ts';

/** `pond` without blocking this process, whose server it talks to. */
const pond = async (dir: string, ...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [POND, '--project', dir, ...args], { timeout: 60_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { status: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

const APP_KEY = 'app-key-0123456789';
const TOKEN = 'a-token-for-the-tail-test';

const EVENTS = JSON.stringify({
  type: 'object',
  required: ['user_id', 'time_utc', 'amount'],
  properties: { user_id: { type: 'string' }, time_utc: { type: 'string', format: 'date-time' }, amount: { type: 'number' } },
});
const SIGNUPS = JSON.stringify({
  type: 'object',
  required: ['time_utc'],
  properties: {
    user_id: { type: 'string', 'x-pond-pii': 'identifier' },
    email: { type: 'string', 'x-pond-pii': 'personal' },
    plan: { enum: ['free', 'pro'] },
    time_utc: { type: 'string', format: 'date-time' },
  },
});

describe('the live tail of a stream', () => {
  let dir: string;
  let ctx: Context;
  let platform: Platform;
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();

  const send = async (stream: string, events: unknown[]) => {
    const response = await fetch(`${platform.url}/v1/streams/${stream}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pond-write-key': APP_KEY },
      body: JSON.stringify(events),
    });
    assert.equal(response.status, 200);
  };
  const tail = async (stream: string, query = ''): Promise<{ status: number; body: api.StreamTail & { error?: string } }> => {
    const response = await fetch(`${platform.url}/api/streams/${stream}/tail${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: (await response.json()) as api.StreamTail & { error?: string } };
  };

  before(async () => {
    dir = makeProject({
      'pond.config.ts': `import { defineConfig } from 'pond';
export default defineConfig({
  name: 'tail',
  collect: { host: '127.0.0.1', sources: { app: { writeKey: '${APP_KEY}', streams: ['events', 'signups'] } } },
  api: { tokens: ['${TOKEN}'] },
});
`,
      'pipelines/streams.ts': `import { stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
export const signups = stream({ name: 'signups', schema: 'schemas/signups.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
`,
      'schemas/events.json': EVENTS,
      'schemas/signups.json': SIGNUPS,
    });
    ctx = await openContext({ project: dir });
    platform = await startPlatform({ ctx, port: 0 });
  });
  after(async () => {
    await platform.close();
    await ctx.close();
  });

  it('answers the last events, accepted and dead-lettered, with their verdicts, oldest first', async () => {
    const empty = await tail('events');
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body.events, []);
    await send('events', [
      { user_id: 'a', time_utc: hourAgo, amount: 1 },
      { user_id: 'b', time_utc: hourAgo, amount: 'ten' },
    ]);
    await send('events', [{ user_id: 'c', time_utc: hourAgo, amount: 3 }]);
    const { status, body } = await tail('events');
    assert.equal(status, 200);
    assert.equal(body.stream, 'events');
    assert.deepEqual(
      body.events.map((e) => [(e.event as { user_id: string }).user_id, e.status]),
      [
        ['a', 'accepted'],
        ['b', 'dead-letter'],
        ['c', 'accepted'],
      ],
    );
    assert.equal(body.events[0]?.eventTime, hourAgo);
    assert.equal(body.events[0]?.source, 'app');
    assert.match(body.events[1]?.reason ?? '', /amount: must be number; got "ten"/);
    assert.deepEqual((await tail('events', '?limit=1')).body.events.length, 1);
    const dead = await tail('events', '?status=dead-letter');
    assert.deepEqual(
      dead.body.events.map((e) => e.messageId),
      [body.events[1]?.messageId],
    );
    assert.deepEqual((await tail('events', `?after=${body.cursor}`)).body.events, []);
  });

  it('holds a request with a cursor until the next events arrive, and answers with them', async () => {
    const { body: now } = await tail('events');
    const waiting = tail('events', `?after=${now.cursor}&wait=30`);
    await send('events', [{ user_id: 'late', time_utc: hourAgo, amount: 9 }]);
    const { body } = await waiting;
    assert.deepEqual(
      body.events.map((e) => (e.event as { user_id: string }).user_id),
      ['late'],
    );
    assert.equal(body.missed, 0);
  });

  it('masks personal values: identifiers as pseudonyms, personal fields as enc:v1:<pseudonym>:…', async () => {
    await send('signups', [
      { user_id: 'ada', email: 'ada@mail.example', plan: 'pro', time_utc: hourAgo },
      { user_id: 'bob', email: 'bob@mail.example', plan: 'gold', time_utc: hourAgo },
    ]);
    const { body } = await tail('signups');
    assert.equal(body.events.length, 2);
    const text = JSON.stringify(body);
    for (const secret of ['ada', 'bob', 'mail.example']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    const event = body.events[0]?.event as { user_id: string; email: string; plan: string };
    assert.match(event.user_id, /^ps_/);
    assert.equal(event.email, `enc:v1:${event.user_id}:…`);
    assert.equal(event.plan, 'pro');
    assert.deepEqual(body.events[0]?.masked, ['email']);
    assert.equal(body.events[1]?.status, 'dead-letter');
    assert.equal(body.events[1]?.event, null);
    assert.match(body.events[1]?.reason ?? '', /plan: must be one of "free", "pro"; got "gold"/);
  });

  it('answers a wrong name or parameter with a reason, and needs the token', async () => {
    const missing = await tail('evnts');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error ?? '', /no stream named "evnts"; did you mean "events"\?/);
    assert.equal((await tail('events', '?after=yesterday')).status, 400);
    assert.equal((await tail('events', '?wait=300')).status, 400);
    assert.equal((await tail('events', '?status=maybe')).status, 400);
    assert.equal((await fetch(`${platform.url}/api/streams/events/tail`)).status, 401);
  });

  it('is printed by pond tail', async () => {
    const r = await pond(dir, 'tail', 'events', '--url', platform.url, '--token', TOKEN, '--json');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as api.TailEvent);
    assert.deepEqual(
      lines.map((e) => (e.event as { user_id: string }).user_id),
      ['a', 'b', 'c', 'late'],
    );
    const text = await pond(dir, 'tail', 'events', '--url', platform.url, '--token', TOKEN, '--status', 'dead-letter');
    assert.match(text.stdout, /dead letter .*amount: must be number; got "ten"/);
  });
});
