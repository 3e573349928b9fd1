/**
 * `pond send` against a running `pond up`: each event is sent with an id
 * made of the file's content and its line, so the same file sent twice
 * lands once; a line that is not JSON is reported by its number and the rest
 * is sent; with no collector at the URL it says so at once, naming the URL;
 * a misspelled stream gets "did you mean". And the native API's ids beside
 * the events (`Idempotency-Key`, `X-Pond-First-Index`): a retried request
 * lands once, whatever the stream's schema.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { APP_KEY, makeCollectProject } from './helpers/collect-project.ts';
import { pond, pondJson, startUp, until } from './helpers/project.ts';

describe('pond send', () => {
  let dir: string;
  let up: ChildProcess;
  let url: string;
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const event = (user: string, amount: unknown = 1) => JSON.stringify({ user_id: user, time_utc: hourAgo, amount });

  /** Sends one event of its own and waits until it is in the lake: what was sent before it has been landed too. */
  let sentinels = 0;
  const landed = async () => {
    const user = `sentinel-${++sentinels}`;
    const response = await fetch(`${url}/v1/streams/events/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pond-write-key': APP_KEY },
      body: event(user),
    });
    assert.equal(response.status, 200);
    await until(
      `${user} in the lake`,
      () => (pondJson<unknown[]>(dir, 'query', `select 1 from events where user_id = '${user}'`).length === 1 ? true : undefined),
      60_000,
      200,
    );
  };
  const count = (sql: string) => pondJson<Array<{ n: number }>>(dir, 'query', sql)[0]?.n;

  before(async () => {
    dir = makeCollectProject();
    const started = startUp(dir);
    up = started.proc;
    url = await started.url;
  });
  after(async () => {
    up.kill('SIGINT');
    await new Promise((resolve) => up.on('exit', resolve));
  });

  it('lands a file sent twice once, and reports a line that is not JSON by its number while sending the rest', { timeout: 180_000 }, async () => {
    const file = path.join(dir, 'twice.ndjson');
    const lines = [event('t1'), event('t2'), '', event('t3'), '{"user_id": "t-broken",', event('t4'), event('t-dead', 'lots'), event('t5')];
    writeFileSync(file, `${lines.join('\n')}\n`);

    const first = pond(dir, 'send', 'events', file, '--url', url);
    assert.equal(first.status, 1, first.stderr);
    assert.match(first.stdout, /5 accepted into events, 1 to the dead letters, 0 refused, 1 line not sent \(not JSON\)/);
    assert.match(first.stdout, /line 5: not JSON/);
    assert.match(first.stdout, /line 7: does not match schema .*amount: must be number; got "lots"/);

    const second = pond(dir, 'send', 'events', file, '--url', url, '--batch', '2');
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stdout, /5 accepted into events/);

    await landed();
    assert.equal(count("select count(*) as n from events where user_id like 't%'"), 5);
    assert.equal(count("select count(*) as n from dead_letters where _raw like '%t-dead%'"), 1);
    const ids = pondJson<Array<{ id: string }>>(dir, 'query', "select _message_id as id from events where user_id like 't%' order by user_id");
    for (const [i, line] of [1, 2, 4, 6, 8].entries()) assert.match(ids[i]!.id, new RegExp(`^pond-send-[0-9a-f]{24}:${line}$`));
  });

  it('lands a retried request once: the ids come beside the events, and an event that has its own messageId keeps it', { timeout: 120_000 }, async () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${url}/v1/streams/events/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'x-pond-write-key': APP_KEY, ...headers },
        body,
      });
    const body = [event('r1'), event('r2'), JSON.stringify({ messageId: 'own-id', user_id: 'r3', time_utc: hourAgo, amount: 1 })].join('\n');
    const headers = { 'idempotency-key': 'retry-test', 'x-pond-first-index': '10' };
    for (let attempt = 0; attempt < 3; attempt++) assert.equal((await post(body, headers)).status, 200);
    const bad = await post(body, { 'idempotency-key': 'has space' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /idempotency-key must be 1 to 200 visible ASCII characters/);
    await landed();
    const rows = pondJson<Array<{ id: string }>>(dir, 'query', "select _message_id as id from events where user_id like 'r%' order by user_id");
    assert.deepEqual(
      rows.map((r) => r.id),
      ['retry-test:10', 'retry-test:11', 'own-id'],
    );
  });

  it('says at once that no collector answers at the URL, and what to do', async () => {
    const port = await closedPort();
    const file = path.join(dir, 'one.ndjson');
    writeFileSync(file, `${event('x')}\n`);
    const r = pond(dir, 'send', 'events', file, '--url', `http://127.0.0.1:${port}`);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`no Pond collector answers at http://127\\.0\\.0\\.1:${port} \\(connection refused\\)`));
    assert.match(r.stderr, /pond up/);
  });

  it('answers a misspelled stream with the name it is closest to', async () => {
    const file = path.join(dir, 'one.ndjson');
    writeFileSync(file, `${event('x')}\n`);
    const local = pond(dir, 'send', 'evnts', file, '--url', url);
    assert.equal(local.status, 2);
    assert.match(local.stderr, /no such stream "evnts".*did you mean "events"\?/);
    // Without the project (URL and key given), the collector says the same.
    const remote = pond(dir, 'send', 'evnts', file, '--url', url, '--key', APP_KEY);
    assert.notEqual(remote.status, 0);
    assert.match(remote.stderr, /unknown stream "evnts"; did you mean "events"\?/);
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
