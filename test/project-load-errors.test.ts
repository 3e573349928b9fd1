/**
 * Mistakes caught when a project loads, whatever the command (issue 15, §2):
 * misspelled keys in pond.config.ts and in definitions, a secret read from an
 * unset environment variable, and dependency cycles written the natural way
 * (definitions that import each other). Each stops pond with exit code 2 and
 * names the file, the field or line, and what to do.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, POND, makeProject } from './helpers/project.ts';

const STREAM = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour' });
`;

/** `pond` with a bound on how long it may run: `pond up` on a project that loads would otherwise serve until killed. */
function run(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [POND, '--project', dir, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, POND_PORT: '0' },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function project(pipeline: string, config?: string, extra: Record<string, string> = {}): string {
  return makeProject({
    'pipelines/p.ts': STREAM + pipeline,
    'schemas/events.json': EVENTS_SCHEMA,
    ...(config === undefined ? {} : { 'pond.config.ts': `import { defineConfig } from 'pond';\nexport default defineConfig(${config});\n` }),
    ...extra,
  });
}

describe('unknown keys', () => {
  const misspelled = project(`export const daily = dataset({
  name: 'daily',
  parition: 'day',
  inputs: { events },
  sql: 'select count(*) as n from events',
} as never);
`);

  for (const args of [['build'], ['build', '--dry-run'], ['status'], ['query', 'select 1 as x'], ['runs'], ['up'], ['check']]) {
    it(`pond ${args.join(' ')} rejects a misspelled definition key with the file, the line, the field and "did you mean"`, () => {
      const r = run(misspelled, ...args);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      const out = r.stdout + r.stderr;
      assert.match(out, /pipelines\/p\.ts:5: dataset "daily" field parition: unknown field/);
      assert.match(out, /did you mean "partition"\?/);
    });
  }

  it('in pond.config.ts, at any depth', () => {
    const top = run(project('', "{ name: 'test', concurency: 2 } as never"), 'status');
    assert.equal(top.status, 2, top.stderr);
    assert.match(top.stderr, /pond\.config\.ts:2: field concurency: unknown field/);
    assert.match(top.stderr, /did you mean "concurrency"\?/);

    const nested = run(project('', "{ collect: { sources: { app: { writeKey: 'key-0123456789', stream: ['events'] } } } } as never"), 'build');
    assert.equal(nested.status, 2, nested.stderr);
    assert.match(nested.stderr, /pond\.config\.ts:2: field collect\.sources\.app\.stream: unknown field/);
    assert.match(nested.stderr, /did you mean "streams"\?/);

    const far = run(project('', '{ retries: { atempts: 3 } } as never'), 'status');
    assert.equal(far.status, 2, far.stderr);
    assert.match(far.stderr, /field retries\.atempts: unknown field.*\n.*did you mean "attempts"\?/);
  });

  it('in inputs, sinks and checks, listing the known fields when nothing is close', () => {
    const input = run(project(`export const d = dataset({ name: 'd', inputs: { e: { form: events } }, sql: 'select 1 as x' } as never);\n`), 'status');
    assert.equal(input.status, 2, input.stderr);
    assert.match(input.stderr, /dataset "d" field inputs\.e\.form: unknown field/);
    assert.match(input.stderr, /did you mean "from"\?/);

    const sinkKey = run(
      project(`import { sink } from 'pond';
export const d = dataset({ name: 'd', inputs: { events }, sql: 'select 1 as x', sinks: [sink.sqlite({ file: 'out.db', tabel: 'x' } as never)] });
`),
      'status',
    );
    assert.equal(sinkKey.status, 2, sinkKey.stderr);
    assert.match(sinkKey.stderr, /dataset "d" field sinks\[0\]\.tabel: unknown field/);
    assert.match(sinkKey.stderr, /did you mean "table"\?/);

    const checkKey = run(
      project(`import { check } from 'pond';
export const d = dataset({ name: 'd', inputs: { events }, sql: 'select 1 as x', checks: [check.range('x', { min: 0, mx: 9 } as never)] });
`),
      'status',
    );
    assert.equal(checkKey.status, 2, checkKey.stderr);
    assert.match(checkKey.stderr, /dataset "d" field checks\[0\]\.mx: unknown field/);
    assert.match(checkKey.stderr, /did you mean "max"\?/);

    const far = run(project(`export const d = dataset({ name: 'd', inputs: { events }, sql: 'select 1 as x', zzzzzz: 1 } as never);\n`), 'status');
    assert.equal(far.status, 2, far.stderr);
    assert.match(far.stderr, /field zzzzzz: unknown field/);
    assert.match(far.stderr, /known fields: .*partition.*sql/);
  });

  it('a stream misspelled the same way', () => {
    const r = run(
      makeProject({
        'pipelines/p.ts': `import { stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', latenes: '5m' } as never);
`,
        'schemas/events.json': EVENTS_SCHEMA,
      }),
      'status',
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pipelines\/p\.ts:2: stream "events" field latenes: unknown field/);
    assert.match(r.stderr, /did you mean "lateness"\?/);
  });
});

describe('secrets from the environment', () => {
  it('a write key read from an unset environment variable names the variable', () => {
    delete process.env.POND_TEST_UNSET_APP_KEY;
    const r = run(project('', "{ collect: { sources: { app: { writeKey: process.env.POND_TEST_UNSET_APP_KEY!, streams: ['events'] } } } }"), 'status');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pond\.config\.ts:2: field collect\.sources\.app\.writeKey: .*environment variable POND_TEST_UNSET_APP_KEY is not set/);
    assert.match(r.stderr, /hint: set POND_TEST_UNSET_APP_KEY/);
  });

  it("a sink's secret read from an unset environment variable names it too", () => {
    const r = run(
      project(`import { sink } from 'pond';
export const d = dataset({
  name: 'd',
  inputs: { events },
  sql: 'select 1 as x',
  sinks: [sink.webhook({ url: 'https://example.com/hook', secret: process.env['POND_TEST_UNSET_HOOK_SECRET']! })],
});
`),
      'status',
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /dataset "d" field sinks\[0\]\.secret: .*environment variable POND_TEST_UNSET_HOOK_SECRET is not set/);
  });
});

describe('dependency cycles written the natural way', () => {
  it('two pipeline files whose datasets read each other: the cycle, the definitions and how to break it', () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/a.ts': `import { dataset } from 'pond';
import { b } from './b.ts';

export const a = dataset({
  name: 'alpha',
  inputs: { b },
  sql: 'select * from b',
});
`,
      'pipelines/b.ts': `import { dataset } from 'pond';
import { a } from './a.ts';

export const b = dataset({
  name: 'beta',
  inputs: { a },
  sql: 'select * from a',
});
`,
    });
    for (const command of ['status', 'build']) {
      const r = run(dir, command);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /pipelines\/b\.ts:6: dataset "beta": dependency cycle: beta → alpha → beta/);
      assert.match(r.stderr, /dataset "beta" \(pipelines\/b\.ts:4\) reads alpha, dataset "alpha" \(pipelines\/a\.ts:4\) reads beta/);
      assert.match(r.stderr, /hint: .*remove one of these inputs/);
      assert.doesNotMatch(r.stderr, /^error: .*Cannot access/m);
    }
  });

  it('two datasets of one file that read each other', () => {
    const r = run(
      project(`export const a = dataset({ name: 'a', inputs: { b }, sql: 'select * from b' });
export const b = dataset({ name: 'b', inputs: { a }, sql: 'select * from a' });
`),
      'status',
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pipelines\/p\.ts:3: dataset "a": dependency cycle: a → b → a/);
  });

  it('a definition used above the line that defines it is not a cycle: move it up', () => {
    const r = run(
      project(`export const total = dataset({ name: 'total', inputs: { hourly }, sql: 'select sum(n) as n from hourly' });
export const hourly = dataset({ name: 'hourly', inputs: { events }, sql: 'select count(*) as n from events' });
`),
      'status',
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pipelines\/p\.ts:3: dataset "total": reads hourly, which is defined below it, at line 4/);
    assert.match(r.stderr, /hint: move the definition of hourly above line 3/);
  });

  it('files that import each other without a dataset cycle: the import cycle, and how to break it', () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/a.ts': `import { dataset, stream } from 'pond';
import { totals } from './b.ts';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc' });
export const report = dataset({ name: 'report', inputs: { totals }, sql: 'select * from totals' });
`,
      'pipelines/b.ts': `import { dataset } from 'pond';
import { events } from './a.ts';
export const totals = dataset({ name: 'totals', inputs: { events }, sql: 'select count(*) as n from events' });
`,
    });
    const r = run(dir, 'status');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pipelines\/b\.ts:3: dataset "totals": reads events from pipelines\/a\.ts, which imports pipelines\/b\.ts: an import cycle/);
    assert.match(r.stderr, /hint: move events into a file that imports neither, or name the input as a string \(inputs: \{ events: 'events' \}\)/);
  });
});
