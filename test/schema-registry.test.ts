/**
 * The schema registry through the real binary: a start registers the
 * schema, an allowed change passes `pond check` and becomes the next version,
 * a change the mode does not allow fails `pond check` (exit 1) and stops
 * every command that writes (exit 2), naming the property and the rule;
 * `--base` compares with a git ref. And the other steps of `pond check`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, ndjson, POND, pond, pondJson } from './helpers/project.ts';

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['user_id', 'time_utc'],
  properties: { user_id: { type: 'string' }, time_utc: { type: 'string', format: 'date-time' }, amount: { type: 'number' } },
  additionalProperties: false,
};

function project(streamOptions = ''): string {
  return makeProject({
    'schemas/events.json': JSON.stringify(SCHEMA, null, 2),
    'pipelines/p.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s'${streamOptions} });
export const totals = dataset({ name: 'totals', inputs: { events }, sql: 'select user_id, sum(amount) as amount from events group by all' });
`,
    'events.ndjson': ndjson([{ user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 1 }]),
  });
}

/** Edits the stream's schema file. */
function editSchema(dir: string, edit: (schema: { properties: Record<string, unknown>; required: string[] } & Record<string, unknown>) => void): void {
  const file = path.join(dir, 'schemas/events.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof edit>[0];
  edit(schema);
  writeFileSync(file, JSON.stringify(schema, null, 2));
}

interface Versions {
  versions: Array<{ version: number; compatibility: string; current: boolean }>;
}

interface CheckReport {
  ok: boolean;
  exitCode: number;
  steps: Array<{ name: string; status: string; summary: string; details: string[] }>;
}

function check(dir: string, ...args: string[]): { status: number; report: CheckReport } {
  const r = pond(dir, 'check', '--json', ...args);
  return { status: r.status, report: JSON.parse(r.stdout) as CheckReport };
}

const stepOf = (report: CheckReport, name: string) => report.steps.find((s) => s.name === name);

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Pond Test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, stdio: 'ignore' });
}

describe('schema registry', () => {
  it('registers on start, takes an allowed change, and refuses one the mode does not allow', () => {
    const dir = project();
    pondJson(dir, 'load', 'events', path.join(dir, 'events.ndjson'));
    assert.deepEqual(
      pondJson<Versions>(dir, 'schema', 'versions', 'events').versions.map((v) => [v.version, v.compatibility, v.current]),
      [[1, 'BACKWARD', true]],
    );

    // Allowed under BACKWARD: an optional property added to a closed model (old events cannot carry it).
    editSchema(dir, (s) => (s.properties.coupon = { type: 'string', maxLength: 32 }));
    const allowed = check(dir);
    assert.equal(allowed.status, 0, JSON.stringify(allowed.report, null, 2));
    assert.match(stepOf(allowed.report, 'schemas')?.summary ?? '', /1 changed compatibly, against the registry in \.pond\/state\.db/);
    assert.equal(pond(dir, 'schema', 'diff').status, 0);
    // pond check registers nothing; the next start does.
    assert.equal(pondJson<Versions>(dir, 'schema', 'versions', 'events').versions.length, 1);
    const build = pond(dir, 'build', '--to', '2026-11-20T11:00Z');
    assert.equal(build.status, 0, build.stderr);
    assert.deepEqual(
      pondJson<Versions>(dir, 'schema', 'versions', 'events').versions.map((v) => [v.version, v.current]),
      [
        [1, false],
        [2, true],
      ],
    );

    // Not allowed: a narrowed type and a newly required property.
    editSchema(dir, (s) => {
      s.properties.amount = { type: 'integer' };
      s.required.push('coupon');
    });
    const refused = check(dir);
    assert.equal(refused.status, 1);
    const schemas = stepOf(refused.report, 'schemas');
    assert.equal(schemas?.status, 'failed');
    assert.ok(
      schemas?.details.includes(
        'events: property "amount": version 2 allows number, but the new schema accepts only integer (type narrowed): not allowed under BACKWARD (rule TYPE_NARROWED)',
      ),
      schemas?.details.join('\n'),
    );
    assert.ok(
      schemas?.details.some((d) => d.startsWith('events: property "coupon": the new schema requires "coupon"') && d.endsWith('(rule REQUIRED_PROPERTY_ADDED)')),
      schemas?.details.join('\n'),
    );
    assert.deepEqual(
      refused.report.steps
        .filter((s) => s.status !== 'passed')
        .map((s) => s.name)
        .sort(),
      ['schemas', 'tests'],
    );

    const text = pond(dir, 'check');
    assert.equal(text.status, 1);
    assert.match(text.stdout, /✗ schemas are compatible: 1 changed in a way its mode does not allow/);
    assert.match(text.stdout, /✓ typecheck/);

    const diff = pond(dir, 'schema', 'diff', 'events', '--json');
    assert.equal(diff.status, 1);
    const [report] = (JSON.parse(diff.stdout) as { streams: Array<{ status: string; changes: Array<{ property: string; kind: string; allowed: boolean }> }> })
      .streams;
    assert.equal(report?.status, 'incompatible');
    assert.deepEqual(
      report?.changes
        .filter((c) => !c.allowed)
        .map((c) => [c.property, c.kind])
        .sort(),
      [
        ['amount', 'TYPE_NARROWED'],
        ['coupon', 'REQUIRED_PROPERTY_ADDED'],
      ],
    );

    // Every command that writes refuses to start, naming the stream, the property, the rule and the way out.
    for (const args of [['build'], ['load', 'events', path.join(dir, 'events.ndjson')]]) {
      const r = pond(dir, ...args);
      assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /schemas\/events\.json: the schema of stream "events" changed in a way BACKWARD does not allow/);
      assert.match(r.stderr, /property "amount": version 2 allows number, but the new schema accepts only integer .*\(rule TYPE_NARROWED\)/);
      assert.match(r.stderr, /hint: revert the change, make it compatible, or set another mode/);
    }
    const up = spawnSync(process.execPath, [POND, '--project', dir, 'up'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, POND_PORT: '0' } });
    assert.equal(up.status, 2, up.stdout + up.stderr);
    assert.match(up.stderr, /property "amount".*\(rule TYPE_NARROWED\)/);
    // Reading still works.
    assert.equal(pond(dir, 'status').status, 0);
    assert.equal(pondJson<Versions>(dir, 'schema', 'versions', 'events').versions.length, 2);
  });

  it('lets a stream opt out with compatibility NONE, and validates the mode with the file and the field', () => {
    const dir = project(", compatibility: 'NONE'");
    pondJson(dir, 'load', 'events', path.join(dir, 'events.ndjson'));
    editSchema(dir, (s) => (s.properties.amount = { type: 'string' }));
    assert.equal(check(dir).status, 0);
    assert.equal(pond(dir, 'build', '--to', '2026-11-20T11:00Z').status, 0);
    assert.deepEqual(
      pondJson<Versions>(dir, 'schema', 'versions', 'events').versions.map((v) => [v.version, v.compatibility]),
      [
        [1, 'NONE'],
        [2, 'NONE'],
      ],
    );

    const bad = project(", compatibility: 'BACKWARDS' as never");
    const r = pond(bad, 'status');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /pipelines\/p\.ts: stream "events" field compatibility: "BACKWARDS" is not a compatibility mode/);
    writeFileSync(
      path.join(bad, 'pipelines/p.ts'),
      readFileSync(path.join(bad, 'pipelines/p.ts'), 'utf8').replace(", compatibility: 'BACKWARDS' as never", ''),
    );
    writeFileSync(
      path.join(bad, 'pond.config.ts'),
      "import { defineConfig } from 'pond';\nexport default defineConfig({ schemaCompatibility: 'full' as never });\n",
    );
    const config = pond(bad, 'status');
    assert.equal(config.status, 2);
    assert.match(config.stderr, /pond\.config\.ts: field schemaCompatibility: "full" is not a compatibility mode/);
  });

  it('pond check --base compares with the schema files at a git ref', () => {
    const dir = project();
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    git(dir, 'checkout', '-q', '-b', 'change');

    editSchema(dir, (s) => (s.properties.user_id = { type: 'string', maxLength: 8 }));
    const refused = check(dir, '--base', 'main');
    assert.equal(refused.status, 1);
    const schemas = stepOf(refused.report, 'schemas');
    assert.match(schemas?.summary ?? '', /against git ref main/);
    assert.ok(
      schemas?.details.includes(
        'events: property "user_id": the new schema adds maxLength 8, which main does not have: not allowed under BACKWARD (rule MAX_LENGTH_ADDED)',
      ),
      schemas?.details.join('\n'),
    );

    editSchema(dir, (s) => (s.properties.user_id = { type: ['string', 'null'] }));
    const allowed = check(dir, '--base', 'main');
    assert.equal(allowed.status, 0, JSON.stringify(allowed.report, null, 2));
    assert.match(stepOf(allowed.report, 'schemas')?.summary ?? '', /1 changed compatibly, against git ref main/);
    assert.equal(pond(dir, 'schema', 'diff', '--base', 'main').status, 0);

    const unknown = pond(dir, 'check', '--base', 'no-such-branch');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--base no-such-branch is not a commit in this repository/);
    // pond check leaves no state behind in a fresh clone.
    assert.equal(existsSync(path.join(dir, '.pond')), false);
  });
});

describe('pond check', () => {
  it('passes a fresh project, saying the registry is empty, and creates nothing', () => {
    const dir = project();
    const { status, report } = check(dir);
    assert.equal(status, 0, JSON.stringify(report, null, 2));
    assert.deepEqual(
      report.steps.map((s) => [s.name, s.status]),
      [
        ['project', 'passed'],
        ['typecheck', 'passed'],
        ['sql', 'passed'],
        ['schemas', 'passed'],
        ['plan', 'passed'],
        ['tests', 'skipped'],
      ],
    );
    assert.match(stepOf(report, 'schemas')?.summary ?? '', /the registry in \.pond\/state\.db is empty \(there is no state database yet\)/);
    assert.equal(existsSync(path.join(dir, '.pond')), false);
  });

  it('fails with exit 1 on a type error, naming the file and the line', () => {
    const dir = project();
    writeFileSync(path.join(dir, 'pipelines/extra.ts'), "export const threshold: number = 'ten';\n");
    const { status, report } = check(dir);
    assert.equal(status, 1);
    const typecheck = stepOf(report, 'typecheck');
    assert.equal(typecheck?.status, 'failed');
    assert.deepEqual(typecheck?.details, ["pipelines/extra.ts:1:14: TS2322: Type 'string' is not assignable to type 'number'."]);
  });

  it('fails with exit 2 when the project cannot be loaded', () => {
    const dir = project();
    writeFileSync(
      path.join(dir, 'pipelines/p.ts'),
      readFileSync(path.join(dir, 'pipelines/p.ts'), 'utf8').replace('inputs: { events }', 'inputs: { events: "nope" }'),
    );
    const r = pond(dir, 'check');
    assert.equal(r.status, 2);
    assert.match(r.stdout, /✗ project loads: the project cannot be loaded\n {4}pipelines\/p\.ts: dataset "totals" field inputs\.events: unknown input "nope"/);
    assert.match(r.stdout, /- plan is valid: the project did not load/);
  });
});
