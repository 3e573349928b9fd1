/**
 * Errors caught before anything runs (issue 15, §2): every SQL transformation
 * is bound against its inputs' columns, and the project's TypeScript is
 * typechecked (once per content), before `pond build` or `pond up` starts;
 * `pond check` reports the same. Each stops a build with exit code 2, naming
 * the file and the line of the user's SQL, not of Pond's wrapper around it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, POND, ROOT, makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

const STREAM = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '0s' });
`;

/** `pond` bounded in time and on a free port: `pond up` on a project that starts would serve until killed. */
function run(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [POND, '--project', dir, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, POND_PORT: '0' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface CheckReport {
  exitCode: number;
  steps: Array<{ name: string; status: string; summary: string; details: string[] }>;
}

function checkJson(dir: string): CheckReport {
  const r = pond(dir, 'check', '--json');
  return JSON.parse(r.stdout) as CheckReport;
}

const EVENTS = ndjson([
  { user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 4 },
  { user_id: 'b', time_utc: '2026-11-20T10:02:00Z', amount: 7 },
  { user_id: 'a', time_utc: '2026-11-20T11:05:00Z', amount: 5 },
  { user_id: 'a', time_utc: '2026-11-20T12:00:00Z', amount: 1 },
]);

describe('SQL bound against its inputs before anything runs', () => {
  // Line 5 of the file is line 3 of the SQL: the typo is there.
  const TYPO = `export const spend = dataset({
  name: 'spend',
  inputs: { events },
  sql: \`select user_id,
    sum(amountt) as total
  from events
  group by user_id\`,
});
`;

  it('pond build stops with exit 2 at the file and line of the SQL in the .ts file, before building anything', () => {
    const dir = makeProject({ 'pipelines/p.ts': STREAM + TYPO, 'schemas/events.json': EVENTS_SCHEMA, 'e.ndjson': EVENTS });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    const r = run(dir, 'build', '--to', '2026-11-20T12:00Z');
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /pipelines\/p\.ts:7: dataset "spend" field sql: .*column "amountt" not found/);
    assert.match(r.stderr, /Candidate bindings: "amount"/);
    // The line as the user wrote it, with DuckDB's caret under the column.
    assert.match(r.stderr, /\n\s+7 \|\s+sum\(amountt\) as total\n\s+\|\s+\^/);
    assert.doesNotMatch(r.stderr, /copy \(/);
    assert.deepEqual(pondJson(dir, 'runs'), [], 'nothing ran');
  });

  it('pond up stops at start with exit 2, and pond check fails its SQL step naming the line', () => {
    const dir = makeProject({ 'pipelines/p.ts': STREAM + TYPO, 'schemas/events.json': EVENTS_SCHEMA });
    const up = run(dir, 'up');
    assert.equal(up.status, 2, up.stdout + up.stderr);
    assert.match(up.stderr, /pipelines\/p\.ts:7: dataset "spend" field sql: .*"amountt"/);

    const report = checkJson(dir);
    assert.equal(report.exitCode, 1);
    const sql = report.steps.find((s) => s.name === 'sql');
    assert.equal(sql?.status, 'failed', JSON.stringify(report, null, 2));
    assert.match(sql?.details.join('\n') ?? '', /pipelines\/p\.ts:7: dataset "spend" field sql: .*"amountt"/);
  });

  it('SQL read from a .sql file is reported at the line of that file', () => {
    const dir = makeProject({
      'pipelines/p.ts': `${STREAM}import { readFileSync } from 'node:fs';
export const spend = dataset({ name: 'spend', inputs: { events }, sql: readFileSync(new URL('../sql/spend.sql', import.meta.url), 'utf8') });
`,
      'sql/spend.sql': '-- spend per user\nselect user_id,\n  sum(amount) as total,\n  max(time_utcc) as last\nfrom events\ngroup by user_id\n',
      'schemas/events.json': EVENTS_SCHEMA,
    });
    const r = run(dir, 'build');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /sql\/spend\.sql:4: dataset "spend" field sql: .*"time_utcc"/);
  });

  it("reads an upstream SQL dataset's columns from its SQL, and reports a column it does not have", () => {
    const dir = makeProject({
      'pipelines/p.ts': `${STREAM}export const totals = dataset({ name: 'totals', inputs: { events }, sql: 'select user_id, sum(amount) as total from events group by 1' });
export const top = dataset({ name: 'top', inputs: { totals }, sql: 'select user_id from totals where amount > 10' });
`,
      'schemas/events.json': EVENTS_SCHEMA,
    });
    const r = run(dir, 'build');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pipelines\/p\.ts:4: dataset "top" field sql: .*"amount" not found/);
    assert.match(r.stderr, /Candidate bindings: .*"total"/);
  });

  it('no false alarms: an input only a build can describe (a TypeScript dataset without columns, never built) skips the binding', () => {
    const dir = makeProject({
      'pipelines/p.ts': `${STREAM}export const scored = dataset({
  name: 'scored',
  inputs: { events },
  async *transform({ inputs }) {
    for await (const batch of inputs.events.batches()) yield batch.map((r) => ({ user_id: r.user_id, score: Number(r.amount) * 2 }));
  },
});
export const best = dataset({ name: 'best', inputs: { scored }, sql: 'select user_id, max(score) as score from scored group by 1' });
export const decrypted = dataset({ name: 'hours', inputs: { events }, sql: "select date_trunc('hour', time_utc) as hour, count(*) as n from events group by 1" });
`,
      'schemas/events.json': EVENTS_SCHEMA,
      'e.ndjson': EVENTS,
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    const build = run(dir, 'build', '--to', '2026-11-20T12:00Z');
    assert.equal(build.status, 0, build.stderr);
    assert.deepEqual(pondJson(dir, 'query', 'select user_id, score from best order by user_id, score'), [
      { user_id: 'a', score: 8 },
      { user_id: 'a', score: 10 },
      { user_id: 'b', score: 14 },
    ]);
    const report = checkJson(dir);
    const sql = report.steps.find((s) => s.name === 'sql');
    assert.equal(sql?.status, 'passed', JSON.stringify(report, null, 2));
  });

  it('passes the example project and its every SQL dataset', () => {
    const report = checkJson(path.join(ROOT, 'examples/shop'));
    const sql = report.steps.find((s) => s.name === 'sql');
    assert.equal(sql?.status, 'passed', JSON.stringify(report, null, 2));
    assert.match(sql?.summary ?? '', /\d+ SQL datasets? bound/);
  });
});

describe('type errors stop pond build before anything runs', () => {
  const PIPELINE = `${STREAM}export const hourly = dataset({ name: 'hourly', inputs: { events }, sql: 'select user_id, sum(amount) as total from events group by 1' });
`;

  it('with exit 2, the file, the line and the TypeScript error; a test file does not stop a build', () => {
    const dir = makeProject({
      'pipelines/p.ts': PIPELINE,
      'pipelines/limits.ts': "export const threshold: number = 'ten';\n",
      'tests/p.test.ts': 'const wrong: string = 42;\nexport {};\n',
      'schemas/events.json': EVENTS_SCHEMA,
    });
    const r = run(dir, 'build');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pipelines\/limits\.ts:1:14: TS2322: Type 'string' is not assignable to type 'number'/);
    assert.doesNotMatch(r.stderr, /tests\/p\.test\.ts/);
    const up = run(dir, 'up');
    assert.equal(up.status, 2, up.stderr);
    assert.match(up.stderr, /pipelines\/limits\.ts:1:14: TS2322/);

    writeFileSync(path.join(dir, 'pipelines/limits.ts'), 'export const threshold: number = 10;\n');
    const fixed = run(dir, 'build');
    assert.equal(fixed.status, 0, fixed.stderr);
  });

  it('leaves JavaScript pipeline files to load as they are', () => {
    const dir = makeProject({ 'pipelines/p.js': PIPELINE, 'pipelines/more.ts': 'export const n: number = 1;\n', 'schemas/events.json': EVENTS_SCHEMA });
    const r = run(dir, 'build');
    assert.equal(r.status, 0, r.stderr);
  });

  it('the result is cached by the content of the files: a second build reads it instead of typechecking again', () => {
    const dir = makeProject({ 'pipelines/p.ts': PIPELINE, 'schemas/events.json': EVENTS_SCHEMA });
    assert.equal(run(dir, 'build').status, 0);
    const cacheFile = path.join(dir, '.pond', 'typecheck.json');
    assert.ok(existsSync(cacheFile), 'the first build cached its typecheck');
    // Plant an error in the cached result: a build that typechecked again would not see it.
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: string; errors: unknown[] };
    cached.errors = [{ file: 'pipelines/p.ts', line: 1, column: 1, code: 'TS9999', message: 'planted in the cache' }];
    writeFileSync(cacheFile, JSON.stringify(cached));
    const second = run(dir, 'build');
    assert.equal(second.status, 2, second.stderr);
    assert.match(second.stderr, /TS9999: planted in the cache/);
    // A change of a file's content is another key: typechecked again, and the planted error is gone.
    writeFileSync(path.join(dir, 'pipelines/p.ts'), `${PIPELINE}// a comment\n`);
    const third = run(dir, 'build');
    assert.equal(third.status, 0, third.stderr);
  });
});
