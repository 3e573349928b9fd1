import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { cachedTypecheck, typecheckKey } from './typecheck-cache.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pond-typecheck-cache-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('cachedTypecheck', () => {
  it('checks the root files off the main thread, keeps the result, and reads it back while the files stay the same', async () => {
    const dir = project({
      'package.json': '{ "type": "module" }\n',
      'pond.config.ts': "import { defineConfig } from 'pond';\nexport default defineConfig({ name: 'x' });\n",
      'pipelines/p.ts': "export const n: number = 'one';\n",
      'tests/t.test.ts': 'export const s: string = 2;\n',
    });
    const roots = [path.join(dir, 'pond.config.ts'), path.join(dir, 'pipelines/p.ts')];
    // The compiler works in a worker thread: this thread's event loop stays mostly idle, free for requests.
    const before = performance.eventLoopUtilization();
    const first = await cachedTypecheck(dir, { rootFiles: roots, write: 'if-state-exists' });
    const busy = performance.eventLoopUtilization(before).utilization;
    assert.ok(busy < 0.5, `the event loop was busy ${(busy * 100).toFixed(0)}% of the typecheck`);
    assert.equal(first.cached, false);
    assert.deepEqual(
      first.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.code}`),
      ['pipelines/p.ts:1:14: TS2322'],
      'the roots and what they import; not the tests',
    );
    assert.equal(existsSync(path.join(dir, '.pond')), false, 'if-state-exists writes nothing in a project without .pond');

    await cachedTypecheck(dir, { rootFiles: roots, write: 'always' });
    const again = await cachedTypecheck(dir, { rootFiles: roots, write: 'always' });
    assert.equal(again.cached, true);
    assert.deepEqual(again.errors, first.errors);
  });

  it('keys by content: any TypeScript file, tsconfig or package file of the project, and the roots', () => {
    const dir = project({ 'package.json': '{ "type": "module" }\n', 'pond.config.ts': 'export default {};\n', 'lib/x.ts': 'export const x = 1;\n' });
    const roots = [path.join(dir, 'pond.config.ts')];
    const key = typecheckKey(dir, roots);
    assert.equal(typecheckKey(dir, roots), key);
    writeFileSync(path.join(dir, 'lib/x.ts'), 'export const x = 2;\n');
    const edited = typecheckKey(dir, roots);
    assert.notEqual(edited, key);
    writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    assert.notEqual(typecheckKey(dir, roots), edited);
    assert.notEqual(typecheckKey(dir, [...roots, path.join(dir, 'lib/x.ts')]), typecheckKey(dir, roots));
    const before = typecheckKey(dir, roots);
    mkdirSync(path.join(dir, '.pond'));
    writeFileSync(path.join(dir, '.pond/other.ts'), 'export {};\n');
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'node_modules/y.ts'), 'export {};\n');
    assert.equal(typecheckKey(dir, roots), before, 'dot-folders and node_modules are not the project');
  });
});
