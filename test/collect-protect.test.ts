/**
 * Personal data is protected before it is written to the buffer: events with
 * an email and a user id go through the HTTP collector (native and Segment
 * `/v1/batch`, valid events and dead letters), and then every file under the
 * project's `.pond/buffer` folder, read as raw bytes, holds neither the
 * emails, nor the user ids, nor the client IP. Landed, the lake rows are as
 * before (pseudonyms, ciphertext that `pond query --decrypt` reads); a
 * subject forgotten after collection but before landing lands anonymized
 * with `_raw` null; an envelope written unprotected (by an older Pond) is
 * protected at landing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalLog } from '../src/buffer/index.ts';
import { openContext } from '../src/cli/context.ts';
import { EVENTS_TOPIC, receiptEncoder } from '../src/event/index.ts';
import { createServer, startPlatform } from '../src/serve/index.ts';
import { makeProject, pondJson, until } from './helpers/project.ts';

const APP_KEY = 'app-key-0123456789';
const WEB_KEY = 'web-key-0123456789';
const CLIENT_IP = '198.51.100.23';

const SIGNUPS = JSON.stringify({
  type: 'object',
  required: ['time_utc', 'n'],
  properties: {
    user_id: { type: ['string', 'null'], 'x-pond-pii': 'identifier' },
    email: { type: 'string', 'x-pond-pii': 'personal' },
    n: { type: 'integer' },
    time_utc: { type: 'string', format: 'date-time' },
  },
});

const WEB = JSON.stringify({
  type: 'object',
  required: ['type', 'messageId', 'timestamp'],
  properties: {
    type: { type: 'string' },
    messageId: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time' },
    userId: { type: ['string', 'null'], 'x-pond-pii': 'identifier' },
    anonymousId: { type: ['string', 'null'], 'x-pond-pii': 'identifier' },
    event: { type: 'string' },
    properties: { type: 'object', properties: { email: { type: 'string', 'x-pond-pii': 'personal' }, n: { type: 'integer' } } },
  },
});

function project(): string {
  return makeProject({
    'pond.config.ts': `import { defineConfig } from 'pond';
export default defineConfig({
  name: 'collect-protect',
  concurrency: 2,
  collect: { host: '127.0.0.1', trustProxy: true, sources: { app: { writeKey: '${APP_KEY}', streams: ['signups'] }, web: { writeKey: '${WEB_KEY}', segment: 'web' } } },
  land: { interval: '200ms' },
});
`,
    'pipelines/streams.ts': `import { stream } from 'pond';
export const signups = stream({ name: 'signups', schema: 'schemas/signups.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
export const web = stream({ name: 'web', schema: 'schemas/web.json', time: 'timestamp', partition: 'hour', lateness: '1m', start: '2020-01-01' });
`,
    'schemas/signups.json': SIGNUPS,
    'schemas/web.json': WEB,
  });
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every value of every row of every Parquet file under `folder`, as text. */
async function everyValue(folder: string): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      `select * from read_parquet('${folder.replaceAll("'", "''")}/**/*.parquet', union_by_name = true, hive_partitioning = false)`,
    );
    return reader.getRowObjectsJson().flatMap((r) => Object.values(r).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('protection before the buffer', () => {
  it('keeps emails, user ids and the client IP out of the buffer, lands them protected, and lands a subject forgotten in between anonymized', async () => {
    const dir = project();
    const hour = new Date(Date.now() - 3_600_000).toISOString();
    const ids = Array.from({ length: 6 }, (_, i) => `user-${4711 + i}-k`);
    const emails = ids.map((id) => `${id}@mail.example`);
    const secrets = [
      ...ids,
      ...emails,
      CLIENT_IP,
      'dead-native@mail.example',
      'dead-web@mail.example',
      'user-dead-native',
      'user-dead-web',
      'loose@mail.example',
    ];

    // Collection only (no lander yet): the collector of `pond up`, on the project's buffer.
    const ctx = await openContext({ project: dir });
    try {
      const project = ctx.project;
      let log = await LocalLog.open(project.buffer.dir, { maxBytes: project.buffer.maxBytes });
      await log.ensureTopic(EVENTS_TOPIC, project.buffer.partitions);
      const app = await createServer({ project, log, topic: EVENTS_TOPIC, keyRing: ctx.keyRing });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const native = await fetch(`${url}/v1/streams/signups/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': CLIENT_IP, 'x-pond-write-key': APP_KEY },
        body: JSON.stringify([
          ...ids.slice(0, 3).map((id, i) => ({ user_id: id, email: emails[i], n: i, time_utc: hour })),
          { user_id: 'user-dead-native', email: 'dead-native@mail.example', n: 'many', time_utc: hour },
        ]),
      });
      const nativeAnswer = (await native.json()) as { accepted: number; deadLettered: number };
      assert.deepEqual([nativeAnswer.accepted, nativeAnswer.deadLettered], [3, 1]);
      const basic = `Basic ${Buffer.from(`${WEB_KEY}:`).toString('base64')}`;
      const segment = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': CLIENT_IP, authorization: basic },
        body: JSON.stringify({
          batch: [
            ...ids
              .slice(3)
              .map((id, i) => ({ type: 'track', event: 'Signed Up', userId: id, timestamp: hour, properties: { email: emails[3 + i], n: 10 + i } })),
            { type: 'track', event: 'Broken', userId: 'user-dead-web', timestamp: 'not a time', properties: { email: 'dead-web@mail.example' } },
            'loose@mail.example',
          ],
        }),
      });
      const answer = (await segment.json()) as { accepted: number; deadLettered: number };
      assert.deepEqual([answer.accepted, answer.deadLettered], [3, 2]);
      await app.close();
      await log.close();

      // The buffer, byte for byte: nothing in clear.
      const bufferFiles = filesUnder(project.buffer.dir);
      assert.ok(
        bufferFiles.some((f) => statSync(f).size > 0),
        `the buffer holds the events: ${bufferFiles.join(', ')}`,
      );
      for (const file of bufferFiles) {
        const bytes = readFileSync(file);
        for (const secret of secrets) assert.equal(bytes.indexOf(secret), -1, `${secret} is in clear in ${path.relative(dir, file)}`);
      }

      // A subject forgotten after collection, before landing (its key still in this process's cache).
      const ring = await ctx.keyRing();
      const forgotten = ring.pseudonym(ids[1] as string);
      const forgottenWeb = ring.pseudonym(ids[4] as string);
      assert.deepEqual((await ctx.state.forgetSubjectKeys([forgotten, forgottenWeb], Date.now())).sort(), [forgotten, forgottenWeb].sort());

      // An envelope as the previous version wrote it (event in clear): still lands, protected at landing.
      log = await LocalLog.open(project.buffer.dir, { maxBytes: project.buffer.maxBytes });
      const old = receiptEncoder({ receivedAt: Date.now(), source: 'app', ip: CLIENT_IP, userAgent: null });
      await log.append(EVENTS_TOPIC, [
        {
          key: 'm-old',
          value: old(
            'signups',
            'm-old',
            Date.parse(hour),
            undefined,
            JSON.stringify({ user_id: 'user-old', email: 'old@mail.example', n: 99, time_utc: hour }),
          ),
          timestamp: Date.now(),
        },
      ]);
      await log.close();
      secrets.push('user-old', 'old@mail.example');

      // Landing, as `pond up` does.
      const platform = await startPlatform({ ctx, port: 0 });
      try {
        await until(
          'everything landed',
          () =>
            platform.lander.pending() === 0 && pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from signups')[0]?.n === 4 ? true : undefined,
          30_000,
          200,
        );
      } finally {
        await platform.close();
      }
    } finally {
      await ctx.close();
    }

    // The lake, read directly: nothing in clear there either.
    const lake = path.join(dir, '.pond', 'lake');
    assertNoneIn(await everyValue(path.join(lake, 'raw')), secrets, 'the raw lake');
    const dead = await everyValue(path.join(lake, 'dead-letter'));
    assertNoneIn(dead, secrets, 'the dead letters');
    assert.ok(dead.some((v) => v.includes('[withheld: not a JSON object')));

    // Native rows: pseudonyms and ciphertext, that --decrypt reads; the forgotten one anonymized, `_raw` null.
    type Row = { user_id: string | null; email: string | null; n: number; _raw: string | null; _ip: string | null };
    const rows = pondJson<Row[]>(dir, 'query', 'select user_id, email, n, _raw, _ip from signups order by n');
    assert.deepEqual(
      rows.map((r) => r.n),
      [0, 1, 2, 99],
    );
    for (const r of rows.filter((r) => r.n !== 1)) {
      assert.match(r.user_id ?? '', /^ps_/);
      for (const v of [r.email, r._raw, r._ip]) assert.ok(v?.startsWith(`enc:v1:${r.user_id}:`), `${v}`);
    }
    assert.deepEqual(rows[1], { user_id: null, email: null, n: 1, _raw: null, _ip: null });
    const shown = pondJson<Row[]>(dir, 'query', 'select user_id, email, n, _raw, _ip from signups order by n', '--decrypt');
    for (const [i, r] of shown.entries()) {
      if (r.n === 1) continue;
      const email = r.n === 99 ? 'old@mail.example' : emails[i];
      assert.equal(r.email, email);
      assert.equal(JSON.parse(r._raw as string).email, email);
      assert.equal(r._ip, CLIENT_IP);
    }

    // Segment rows: the same.
    type WebRow = { userId: string | null; properties: string | null; event: string; _raw: string | null; _ip: string | null };
    const web = pondJson<WebRow[]>(dir, 'query', `select "userId", properties, event, _raw, _ip from web order by _received_at, _message_id`);
    assert.equal(web.length, 3);
    const anonymized = web.filter((r) => r.userId === null);
    assert.deepEqual(anonymized, [{ userId: null, properties: null, event: 'Signed Up', _raw: null, _ip: null }]);
    const webShown = pondJson<WebRow[]>(dir, 'query', `select "userId", properties, _raw, _ip from web where "userId" is not null`, '--decrypt');
    assert.deepEqual(new Set(webShown.map((r) => JSON.parse(r._raw as string).userId)), new Set([ids[3], ids[5]]));
    for (const r of webShown) assert.equal(r._ip, CLIENT_IP);

    // Dead letters: the subject's `_raw` encrypted under its key, and readable; reasons quote nothing of the event.
    const letters = pondJson<Array<{ stream: string; reason: string; _raw: string }>>(
      dir,
      'query',
      'select stream, reason, _raw from dead_letters order by stream, reason',
      '--decrypt',
    );
    assert.equal(letters.length, 3);
    assert.ok(
      letters.some((l) => l._raw.includes('dead-native@mail.example')),
      'decrypted native dead letter',
    );
    assert.ok(
      letters.some((l) => l._raw.includes('dead-web@mail.example')),
      'decrypted Segment dead letter',
    );
  });
});

function assertNoneIn(values: readonly string[], secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    const found = values.find((v) => v.includes(secret));
    assert.equal(found, undefined, `${secret} is in clear in ${where}: ${found}`);
  }
}
