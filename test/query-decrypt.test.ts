/**
 * `pond query --decrypt` reads personal data in clear wherever the query
 * reads it: an expression over an encrypted column of a stream (or of the
 * dead letters' `_raw`) — `left(_raw, 90)`, `lower(email)`, a filter or an
 * order on it — sees the clear value, not ciphertext it would cut or compare
 * wrongly. A dataset's column that holds ciphertext is decrypted whole after
 * the query; an expression that changed such a value is refused with what to
 * do, never answered NULL with "the keys are gone". Only a forgotten
 * subject's values are said to have lost their key.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { openContext } from '../src/cli/context.ts';
import { makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

const SCHEMA = JSON.stringify({
  type: 'object',
  required: ['time_utc'],
  properties: {
    user_id: { type: 'string', 'x-pond-pii': 'identifier' },
    email: { type: 'string', 'x-pond-pii': 'personal' },
    age: { type: 'integer', 'x-pond-pii': 'personal' },
    plan: { type: 'string', enum: ['free', 'pro'] },
    time_utc: { type: 'string', format: 'date-time' },
  },
});

describe('pond query --decrypt', () => {
  let dir: string;
  const hour = '2026-11-20T10:15:00Z';
  const users = [
    { user_id: 'u-ada', email: 'ada@mail.example', age: 36, plan: 'pro', time_utc: hour },
    { user_id: 'u-bob', email: 'bob@mail.example', age: 41, plan: 'free', time_utc: hour },
    { user_id: 'u-cy', email: 'cy@mail.example', age: 29, plan: 'free', time_utc: hour },
  ];

  before(async () => {
    dir = makeProject({
      'pipelines/streams.ts': `import { stream, dataset } from 'pond';
export const signups = stream({ name: 'signups', schema: 'schemas/signups.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
export const contacts = dataset({ name: 'contacts', inputs: { signups }, sql: 'select user_id, email from signups' });
`,
      'schemas/signups.json': SCHEMA,
    });
    const file = path.join(dir, 'signups.ndjson');
    // A dead letter (no such plan), and an event of no subject two hours later: the watermark passes the first hour.
    const later = { plan: 'free', time_utc: '2026-11-20T12:15:00Z' };
    writeFileSync(file, ndjson([...users, { user_id: 'u-dee', email: 'dee@mail.example', plan: 'gold', time_utc: hour }, later]));
    assert.equal(pond(dir, 'load', 'signups', file).status, 0);
    const build = pond(dir, 'build', 'contacts', '--to', '2026-11-20T11:00:00Z');
    assert.equal(build.status, 0, build.stderr);
  });

  it('reads an expression over an encrypted column of a stream in clear', () => {
    const rows = pondJson<Array<{ head: string; domain: string; age: number }>>(
      dir,
      'query',
      "select left(_raw, 20) as head, split_part(email, '@', 2) as domain, age from signups where email like 'ada%' or age > 40 order by email",
      '--decrypt',
    );
    assert.deepEqual(rows, [
      { head: '{"user_id":"u-ada","', domain: 'mail.example', age: 36 },
      { head: '{"user_id":"u-bob","', domain: 'mail.example', age: 41 },
    ]);
  });

  it("reads the dead letters' _raw in clear in an expression", () => {
    const r = pond(dir, 'query', "select left(_raw, 18) as head from dead_letters where stream = 'signups'", '--decrypt', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ head: '{"user_id":"u-dee"' }]);
    assert.doesNotMatch(r.stderr, /keys are gone/);
  });

  it("still decrypts a dataset's encrypted column when selected whole, and refuses an expression that cut it, saying what to do", () => {
    // (Not ordered by email: a dataset's encrypted column is ciphertext in the query, and orders as such.)
    const whole = pondJson<Array<{ email: string }>>(dir, 'query', 'select email from contacts', '--decrypt');
    assert.deepEqual(whole.map((r) => r.email).sort(), users.map((u) => u.email).sort());
    const cut = pond(dir, 'query', 'select left(email, 30) as e from contacts', '--decrypt');
    assert.equal(cut.status, 2);
    assert.match(cut.stderr, /column "e".*ciphertext.*changed by an expression/);
    assert.match(cut.stderr, /select the column itself|read it from its stream/);
    assert.doesNotMatch(cut.stderr, /keys are gone/);
  });

  it("says a key is gone only for a forgotten subject's values", async () => {
    const ctx = await openContext({ project: dir });
    try {
      const [row] = pondJson<Array<{ user_id: string }>>(dir, 'query', "select user_id from signups where plan = 'pro'");
      await ctx.state.forgetSubjectKeys([row!.user_id], Date.now());
    } finally {
      await ctx.close();
    }
    const r = pond(dir, 'query', 'select email from contacts', '--decrypt', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Array<{ email: string | null }>).map((x) => x.email ?? 'null').sort(), [
      'bob@mail.example',
      'cy@mail.example',
      'null',
    ]);
    assert.match(r.stderr, /1 value of forgotten \(or unknown\) data subjects shown as null: their keys are gone/);
  });
});
