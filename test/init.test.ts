/** `pond init` makes a project that builds and answers queries straight away. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { POND, pond, pondJson } from './helpers/project.ts';

describe('pond init', () => {
  it('creates a runnable project with sample events, and pond build then pond query work in it', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pond-init-')), 'x');
    const init = spawnSync(process.execPath, [POND, 'init', dir], { encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /loaded \d+ sample events \(3 invalid ones went to the dead letters\)/);
    assert.ok(existsSync(path.join(dir, 'node_modules', '.bin', 'pond')), 'npx pond works inside the project');
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr);
    assert.match(build.stdout, /Built \d+ partitions/);
    const [row] = pondJson<Array<{ events: number }>>(dir, 'query', 'select sum(events) as events from daily_counts');
    assert.ok((row?.events ?? 0) > 900);
    // Its checks ran, and the CI gate passes: typecheck, schemas, plan and its pipeline test.
    assert.equal(pondJson<Array<{ status: string }>>(dir, 'checks', 'hourly_counts', '--limit', '1000').filter((r) => r.status !== 'pass').length, 0);
    const gate = pond(dir, 'check');
    assert.equal(gate.status, 0, gate.stdout + gate.stderr);
    assert.match(gate.stdout, /✓ pipeline tests pass: 1 passed/);
    assert.equal(spawnSync(process.execPath, [POND, 'init', dir], { encoding: 'utf8' }).status, 2, 'a non-empty folder is refused');
  });
});
