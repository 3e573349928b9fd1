/**
 * Encryption at landing, end to end: events with a user id and an email land
 * through `pond load` and through `pond up`'s collector (in process), and
 * then the lake's Parquet files, read directly with DuckDB (not through
 * Pond's views), hold neither in clear in any column — nor do the dead
 * letters. The master key file is created once, readable by its owner only.
 */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { openContext } from '../src/cli/context.ts';
import { startPlatform } from '../src/serve/index.ts';
import { makeProject, ndjson, pond, pondJson, until } from './helpers/project.ts';

const KEY = 'app-key-0123456789';

const SCHEMA = JSON.stringify({
  type: 'object',
  required: ['time_utc'],
  properties: {
    userId: { type: ['string', 'null'], 'x-pond-pii': 'identifier' },
    email: { type: 'string', 'x-pond-pii': 'personal' },
    age: { type: 'integer', 'x-pond-pii': 'personal' },
    plan: { type: 'string' },
    time_utc: { type: 'string', format: 'date-time' },
  },
});

function project(): string {
  return makeProject({
    'pond.config.ts': `import { defineConfig } from 'pond';
export default defineConfig({ name: 'pii', concurrency: 2, collect: { host: '127.0.0.1', sources: { app: { writeKey: '${KEY}', streams: ['signups'] } } }, land: { interval: '200ms' } });
`,
    'pipelines/streams.ts': `import { stream } from 'pond';
export const signups = stream({ name: 'signups', schema: 'schemas/signups.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
`,
    'schemas/signups.json': SCHEMA,
  });
}

/** Every value of every row of every Parquet file under `folder`, as text. */
async function everyValue(folder: string): Promise<{ rows: number; text: string[] }> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      `select * from read_parquet('${folder.replaceAll("'", "''")}/**/*.parquet', union_by_name = true, hive_partitioning = false)`,
    );
    const rows = reader.getRowObjectsJson();
    return { rows: rows.length, text: rows.flatMap((r) => Object.values(r).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))) };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

function assertNoneInClear(values: readonly string[], secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    const found = values.find((v) => v.includes(secret));
    assert.equal(found, undefined, `${secret} is in clear in ${where}: ${found}`);
  }
}

describe('encryption at landing', () => {
  it('lands identifiers as pseudonyms and personal fields as ciphertext, from pond load and from the collector', async () => {
    const dir = project();
    const hour = new Date(Date.now() - 3_600_000).toISOString();
    const users = Array.from({ length: 20 }, (_, i) => ({
      userId: `user-${1000 + i}`,
      email: `person${i}@mail.example`,
      age: 20 + i,
      plan: i % 2 ? 'pro' : 'free',
      time_utc: hour,
    }));
    const secrets = [...users.map((u) => u.userId), ...users.map((u) => u.email)];
    const file = path.join(dir, 'signups.ndjson');
    writeFileSync(
      file,
      ndjson([
        ...users.slice(0, 10),
        // No subject: its email cannot be encrypted for anyone, so it does not land.
        { userId: null, email: 'nobody@mail.example', plan: 'free', time_utc: hour },
        // Fails the schema: a dead letter, still protected.
        { userId: 'user-dead-1', email: 'dead1@mail.example', age: 'old', time_utc: hour },
      ]) + 'not json, from dead2@mail.example\n',
    );
    secrets.push('user-dead-1', 'dead1@mail.example', 'dead2@mail.example', 'nobody@mail.example');

    const load = pond(dir, 'load', 'signups', file);
    assert.equal(load.status, 0, load.stderr);
    assert.match(load.stderr, /created the master key of personal data in .*master\.key \(mode 0600\)/);
    assert.match(load.stdout, /Loaded 11 of 13 events/);
    // The event without a subject, and the line that is not JSON.
    assert.match(load.stdout, /2 named no data subject/);
    assert.doesNotMatch(load.stdout, /not json, f/, 'reasons do not quote the event');
    assert.equal(statSync(path.join(dir, '.pond', 'master.key')).mode & 0o777, 0o600);

    // Through the collector, as `pond up` runs it; the key file exists now and is not announced again.
    const ctx = await openContext({ project: dir });
    const platform = await startPlatform({ ctx, port: 0 });
    try {
      const post = (body: unknown) =>
        fetch(`${platform.url}/v1/streams/signups/events`, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json', 'x-pond-write-key': KEY },
        });
      const sent = await post([...users.slice(10), { userId: 'user-dead-2', email: 'dead3@mail.example', age: 'old', time_utc: hour }]);
      assert.equal(sent.status, 200);
      secrets.push('user-dead-2', 'dead3@mail.example');
      await until(
        'the collected events landed',
        async () => {
          const n = pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from signups')[0]?.n;
          return Number(n) === 21 ? true : undefined;
        },
        20_000,
        200,
      );
    } finally {
      await platform.close();
      await ctx.close();
    }

    const lake = path.join(dir, '.pond', 'lake');
    const raw = await everyValue(path.join(lake, 'raw'));
    assert.ok(raw.rows >= 21, `${raw.rows} raw rows`);
    assertNoneInClear(raw.text, secrets, 'the raw lake');
    const dead = await everyValue(path.join(lake, 'dead-letter'));
    assert.equal(dead.rows, 3);
    assertNoneInClear(dead.text, secrets, 'the dead letters');
    assert.ok(dead.text.some((v) => v.includes('[withheld: not a JSON object')));

    // What did land: pseudonyms that still count and join, ciphertext that names its subject; the non-personal fields as they were.
    const rows = pondJson<Array<{ userId: string | null; email: string | null; age: string | null; plan: string; _raw: string }>>(
      dir,
      'query',
      'select "userId", email, age, plan, _raw from signups order by plan, "userId"',
    );
    assert.equal(rows.length, 21);
    const withSubject = rows.filter((r) => r.userId !== null);
    assert.equal(new Set(withSubject.map((r) => r.userId)).size, 20);
    for (const r of withSubject) {
      assert.match(r.userId as string, /^ps_[A-Za-z0-9_-]{22}$/);
      assert.ok(r.email?.startsWith(`enc:v1:${r.userId}:`), r.email ?? 'null');
      assert.ok(r.age?.startsWith(`enc:v1:${r.userId}:`));
      assert.ok(r._raw.startsWith(`enc:v1:${r.userId}:`));
    }
    const nobody = rows.find((r) => r.userId === null);
    assert.equal(nobody?.email, null);
    assert.deepEqual(JSON.parse(nobody?._raw ?? '{}'), { userId: null, email: null, plan: 'free', time_utc: hour });
    assert.deepEqual(new Set(rows.map((r) => r.plan)), new Set(['free', 'pro']));

    // --decrypt shows personal fields and the original event (clear identifier included); pseudonyms stay.
    type Shown = { userId: string; email: string | null; age: number | null; _raw: string | null };
    const sql = `select "userId", email, age, _raw from signups where "userId" is not null order by _message_id`;
    assert.equal(pond(dir, 'query', sql, '--json').stdout.includes('person0@mail.example'), false);
    const shown = pondJson<Shown[]>(dir, 'query', sql, '--decrypt');
    assert.equal(shown.length, 20);
    const bySubject = new Map(shown.map((r) => [JSON.parse(r._raw as string).userId as string, r]));
    for (const u of users) {
      const r = bySubject.get(u.userId);
      assert.equal(r?.email, u.email);
      assert.equal(r?.age, u.age);
      assert.match(r?.userId ?? '', /^ps_/);
    }

    // A forgotten subject (its key deleted) is read anonymized — no pseudonym, nothing personal — and the others still decrypt.
    const forgotten = bySubject.get('user-1003')?.userId as string;
    const ctx2 = await openContext({ project: dir });
    try {
      assert.deepEqual(await ctx2.state.forgetSubjectKeys([forgotten], Date.now()), [forgotten]);
    } finally {
      await ctx2.close();
    }
    const after = pond(dir, 'query', sql, '--decrypt', '--json');
    assert.equal(after.status, 0, after.stderr);
    const afterRows = JSON.parse(after.stdout) as Shown[];
    // The query asks for rows with a userId: the forgotten subject's row has none now.
    assert.equal(afterRows.length, 19);
    assert.equal(
      afterRows.some((r) => r.userId === forgotten),
      false,
    );
    assert.equal(afterRows.filter((r) => r.email !== null).length, 19);
    const all = pondJson<Shown[]>(dir, 'query', `select "userId", email, age, _raw from signups where plan is not null order by _message_id`);
    assert.equal(
      all.filter((r) => r.userId === null && r.email === null && r.age === null && r._raw === null).length,
      1,
      'anonymized: no identifier, no personal field, no _raw',
    );
  });
});
