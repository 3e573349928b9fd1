/**
 * Transformations read personal data in clear only when their dataset
 * declares `decrypt`: events with a user id, an email, an age and an address
 * land encrypted through `pond load`; a SQL dataset and a TypeScript dataset
 * that decrypt `signups` see the clear values with their schema types, one
 * that does not sees pseudonyms and ciphertext. A `decrypt` naming something
 * other than an input stream with personal data stops the project from
 * loading; a subject whose key is deleted has no clear value in a rebuild.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openContext } from '../src/cli/context.ts';
import { makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

const SCHEMA = JSON.stringify({
  type: 'object',
  required: ['time_utc'],
  properties: {
    userId: { type: 'string', 'x-pond-pii': 'identifier' },
    email: { type: 'string', 'x-pond-pii': 'personal' },
    age: { type: 'integer', 'x-pond-pii': 'personal' },
    address: { type: 'object', 'x-pond-pii': 'personal', properties: { city: { type: 'string' }, zip: { type: 'string' } } },
    plan: { type: 'string' },
    time_utc: { type: 'string', format: 'date-time' },
  },
});

const STREAMS = `import { stream } from 'pond';
export const signups = stream({ name: 'signups', schema: 'schemas/signups.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
`;

function project(datasets: string): string {
  return makeProject({ 'pipelines/streams.ts': STREAMS, 'pipelines/datasets.ts': datasets, 'schemas/signups.json': SCHEMA });
}

const DATASETS = `import { dataset } from 'pond';
import { signups } from './streams.ts';

export const domains = dataset({
  name: 'domains', inputs: { signups }, partition: 'none', decrypt: ['signups'],
  sql: \`select "userId" as user_id, json_extract_string(_raw, '$.userId') as subject, split_part(email, '@', 2) as domain,
               email, age, age + 1 as next_age, address.city as city, plan from signups\`,
});

export const sealed = dataset({
  name: 'sealed', inputs: { signups }, partition: 'none',
  sql: 'select "userId" as user_id, email, age, _raw from signups',
});

export const ages = dataset({
  name: 'ages', inputs: { s: signups }, partition: 'none', decrypt: true,
  columns: { subject: 'VARCHAR', email: 'VARCHAR', age_type: 'VARCHAR', older: 'BIGINT' },
  async *transform({ inputs }) {
    for (const row of await inputs.s.all()) {
      yield { subject: row._raw === null ? null : JSON.parse(String(row._raw)).userId, email: row.email, age_type: typeof row.age, older: typeof row.age === 'number' ? row.age + 10 : null };
    }
  },
});
`;

type Domain = { user_id: string; subject: string; domain: string; email: string; age: number; next_age: number; city: string | null; plan: string };
type Sealed = { user_id: string; email: string; age: string; _raw: string };
type Age = { subject: string | null; email: string | null; age_type: string; older: number | null };

describe('decrypt: transformations that read personal data in clear', () => {
  it('gives clear values to the datasets that declare it, ciphertext to the others, and nothing of a forgotten subject', async () => {
    const dir = project(DATASETS);
    const hour = new Date(Date.now() - 3_600_000).toISOString();
    const users = Array.from({ length: 6 }, (_, i) => ({
      userId: `user-${i}`,
      email: `person${i}@${i % 2 ? 'mail' : 'post'}.example`,
      age: 30 + i,
      ...(i === 0 ? { address: { city: "Saint-Martin-d'Hères", zip: '38400' } } : {}),
      plan: i % 2 ? 'pro' : 'free',
      time_utc: hour,
    }));
    const file = path.join(dir, 'signups.ndjson');
    writeFileSync(file, ndjson(users));
    const load = pond(dir, 'load', 'signups', file);
    assert.equal(load.status, 0, load.stderr);
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr + build.stdout);

    const domains = pondJson<Domain[]>(dir, 'query', 'select * from domains order by subject');
    assert.equal(domains.length, 6);
    domains.forEach((row, i) => {
      const user = users[i] as (typeof users)[number];
      assert.equal(row.subject, user.userId);
      assert.match(row.user_id, /^ps_/, 'identifiers stay pseudonyms');
      assert.equal(row.email, user.email);
      assert.equal(row.domain, user.email.split('@')[1]);
      assert.equal(row.age, user.age, 'an integer again');
      assert.equal(row.next_age, user.age + 1);
      assert.equal(row.plan, user.plan);
    });
    assert.equal(domains[0]?.city, "Saint-Martin-d'Hères", 'a struct again');
    assert.equal(domains[1]?.city, null);

    const sealed = pondJson<Sealed[]>(dir, 'query', 'select * from sealed');
    assert.equal(sealed.length, 6);
    for (const row of sealed) {
      assert.ok(row.email.startsWith(`enc:v1:${row.user_id}:`), row.email);
      assert.ok(row.age.startsWith(`enc:v1:${row.user_id}:`), row.age);
      assert.ok(row._raw.startsWith(`enc:v1:${row.user_id}:`), row._raw);
    }

    const ages = pondJson<Age[]>(dir, 'query', 'select * from ages order by subject');
    assert.deepEqual(
      ages,
      users.map((u) => ({ subject: u.userId, email: u.email, age_type: 'number', older: u.age + 10 })),
    );

    const privacy = pond(dir, 'privacy');
    assert.equal(privacy.status, 0, privacy.stderr);
    const block = (name: string) => privacy.stdout.split('\n\n').find((b) => b.startsWith(`${name} (dataset`)) ?? '';
    assert.match(block('domains'), /reads in clear \(decrypt\): signups/);
    assert.match(block('ages'), /reads in clear \(decrypt\): signups/);
    assert.match(block('sealed'), /personal: +email/);
    assert.doesNotMatch(block('sealed'), /reads in clear/);
    const listed = pondJson<{ personalData: Array<{ name: string; decrypts: string[] }> }>(dir, 'privacy');
    assert.deepEqual(
      listed.personalData
        .filter((n) => n.decrypts.length > 0)
        .map((n) => n.name)
        .sort(),
      ['ages', 'domains'],
    );

    // Forget user-3: its key is deleted. A forced rebuild reads its rows anonymized, and nothing decrypts them.
    const forgotten = domains[3] as Domain;
    const ctx = await openContext({ project: dir });
    try {
      assert.deepEqual(await ctx.state.forgetSubjectKeys([forgotten.user_id], Date.now()), [forgotten.user_id]);
    } finally {
      await ctx.close();
    }
    const rebuild = pond(dir, 'build', '--force');
    assert.equal(rebuild.status, 0, rebuild.stderr + rebuild.stdout);
    const after = pond(dir, 'query', 'select * from domains', '--json');
    assert.equal(after.status, 0, after.stderr);
    for (const secret of [forgotten.email, forgotten.subject, forgotten.user_id])
      assert.equal(after.stdout.includes(secret), false, `${secret} is still in domains: ${after.stdout}`);
    const rebuilt = JSON.parse(after.stdout) as Domain[];
    assert.equal(rebuilt.length, 6, 'anonymized, not dropped (the default policy)');
    assert.equal(rebuilt.filter((r) => r.email !== null).length, 5);
    const agesAfter = pond(dir, 'query', 'select * from ages', '--json');
    assert.equal(agesAfter.stdout.includes(forgotten.email), false);
    assert.equal(agesAfter.stdout.includes(forgotten.subject), false);
  });

  it('gives pond test fixtures of a decrypted input their clear types', () => {
    const dir = makeProject({
      'pipelines/streams.ts': STREAMS,
      'pipelines/datasets.ts': DATASETS,
      'schemas/signups.json': SCHEMA,
      'tests/decrypt.test.ts': `import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runDataset } from 'pond/testing';
import { domains, ages } from '../pipelines/datasets.ts';
const signups = [{ userId: 'u1', email: 'ann@example.com', age: 41, address: { city: 'Oslo', zip: '0150' }, plan: 'pro', time_utc: '2026-01-01T00:00:00Z' }];
it('reads clear fixtures', async () => {
  const [row] = await runDataset(domains, { inputs: { signups } });
  assert.deepEqual([row?.domain, row?.age, row?.next_age, row?.city], ['example.com', 41, 42, 'Oslo']);
  const [aged] = await runDataset(ages, { inputs: { s: signups } });
  assert.deepEqual([aged?.subject, aged?.age_type, aged?.older], ['u1', 'number', 51]);
});
`,
    });
    const run = pond(dir, 'test');
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /1 passed, 0 failed/);
  });

  it('refuses a decrypt that names no input stream with personal data (exit 2, naming the field)', () => {
    const bad = (decrypt: string, inputs = '{ signups }') =>
      project(`import { dataset } from 'pond';
import { signups } from './streams.ts';
export const plain = dataset({ name: 'plain', inputs: { signups }, partition: 'none', sql: 'select plan from signups' });
export const d = dataset({ name: 'd', inputs: ${inputs}, partition: 'none', decrypt: ${decrypt}, sql: 'select 1 as one' });
`);
    const unknown = pond(bad("['signup']"), 'build');
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.match(unknown.stderr, /dataset "d" field decrypt/);
    assert.match(unknown.stderr, /"signup" is not an input of this dataset/);
    assert.match(unknown.stderr, /inputs that are streams with personal data: signups/);

    const derived = pond(bad("['p']", '{ signups, p: plain }'), 'build');
    assert.equal(derived.status, 2, derived.stderr);
    assert.match(derived.stderr, /field decrypt/);
    assert.match(derived.stderr, /input "p" \(plain\) holds no encrypted personal data/);

    const nothing = pond(bad('true', '{ p: plain }'), 'build');
    assert.equal(nothing.status, 2, nothing.stderr);
    assert.match(nothing.stderr, /field decrypt/);
    assert.match(nothing.stderr, /no input of this dataset is a stream with personal data/);
  });
});
