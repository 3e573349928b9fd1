/**
 * `pond test` runs a project's pipeline tests with Node's test runner: the
 * example project's pass; a failing test fails the command and is named; a
 * project without tests is bad input.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { EVENTS_SCHEMA, ROOT, makeProject, pond } from './helpers/project.ts';

interface TestReport {
  ok: boolean;
  files: string[];
  passed: number;
  failed: number;
  failures: string[];
  output: string;
}

describe('pond test', () => {
  const made: string[] = [];
  after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it("passes the example project's tests, one file per pipeline file", { timeout: 120_000 }, () => {
    const r = pond(path.join(ROOT, 'examples/shop'), 'test', '--json');
    // and the whole gate passes on the example.
    const gate = pond(path.join(ROOT, 'examples/shop'), 'check');
    assert.equal(gate.status, 0, gate.stdout + gate.stderr);
    assert.match(gate.stdout, /✓ pipeline tests pass: \d+ passed, 0 failed/);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as TestReport;
    assert.deepEqual(report.files, ['tests/devices.test.ts', 'tests/sales.test.ts', 'tests/users.test.ts', 'tests/web.test.ts']);
    assert.equal(report.ok, true);
    assert.equal(report.failed, 0);
    assert.ok(report.passed >= 9, `every dataset has a test (${report.passed} passed)`);
    assert.match(report.output, /takes the buyer's country and plan from the profile valid at the time of purchase/);
  });

  it('fails when a test fails, and names it', { timeout: 120_000 }, () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/p.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc' });
export const totals = dataset({ name: 'totals', inputs: { events }, sql: 'select user_id, sum(amount) as total from events group by user_id order by user_id' });
`,
      'tests/totals.test.ts': `
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDataset } from 'pond/testing';
import { totals } from '../pipelines/p.ts';
const events = [{ user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 4 }, { user_id: 'a', time_utc: '2026-11-20T10:02:00Z', amount: 7 }];
test('sums the amounts of each user', async () => {
  assert.deepEqual(await runDataset(totals, { partition: '2026-11-20T10:00Z', inputs: { events } }), [{ user_id: 'a', total: 11 }]);
});
test('a deliberately wrong expectation', async () => {
  assert.deepEqual(await runDataset(totals, { partition: '2026-11-20T10:00Z', inputs: { events } }), [{ user_id: 'a', total: 12 }]);
});
`,
    });
    made.push(dir);
    const r = pond(dir, 'test');
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /✖ a deliberately wrong expectation/);
    assert.match(r.stdout, /FAILED: 1 passed, 1 failed/);

    const json = pond(dir, 'test', 'totals', '--json');
    assert.equal(json.status, 1);
    const report = JSON.parse(json.stdout) as TestReport;
    assert.deepEqual([report.passed, report.failed, report.failures], [1, 1, ['a deliberately wrong expectation']]);

    const chosen = pond(dir, 'test', '--name', 'sums the amounts');
    assert.equal(chosen.status, 0, chosen.stdout + chosen.stderr);
    assert.match(chosen.stdout, /ok: 1 passed, 0 failed/);

    // The CI gate runs the same tests: one failing test fails it.
    const gate = pond(dir, 'check', '--json');
    assert.equal(gate.status, 1, gate.stdout + gate.stderr);
    const steps = (JSON.parse(gate.stdout) as { steps: Array<{ name: string; status: string; details: string[] }> }).steps;
    assert.deepEqual(
      steps.map((s) => [s.name, s.status]),
      [
        ['project', 'passed'],
        ['typecheck', 'passed'],
        ['sql', 'passed'],
        ['schemas', 'passed'],
        ['plan', 'passed'],
        ['tests', 'failed'],
      ],
    );
    assert.deepEqual(steps.find((s) => s.name === 'tests')?.details, ['a deliberately wrong expectation']);
  });

  it('is bad input (exit 2) for a project without tests, or a filter that matches none', () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/p.ts': "import { stream } from 'pond';\nexport const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc' });\n",
    });
    made.push(dir);
    const r = pond(dir, 'test');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no tests: the project has no folder tests\//);
    const none = pond(path.join(ROOT, 'examples/shop'), 'test', 'no-such-file');
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no test file matches "no-such-file"/);
  });
});
