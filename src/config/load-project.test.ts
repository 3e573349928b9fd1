import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from './load-project.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pond-load-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('loadProject', () => {
  it('loads changed files afresh as a new generation, files they import included', async () => {
    const dir = project({
      'package.json': '{ "type": "module" }\n',
      'pond.config.ts': "import { defineConfig } from 'pond';\nexport default defineConfig({ name: 'gen' });\n",
      'schemas/events.json': JSON.stringify({ type: 'object', properties: { n: { type: 'integer' }, t: { type: 'string', format: 'date-time' } } }),
      'pipelines/streams.ts': "import { stream } from 'pond';\nexport const events = stream({ name: 'events', schema: 'schemas/events.json', time: 't' });\n",
      'pipelines/shared.ts': 'export const FACTOR = 2;\n',
      'pipelines/totals.ts':
        "import { dataset } from 'pond';\nimport { events } from './streams.ts';\nimport { FACTOR } from './shared.ts';\n" +
        "export const totals = dataset({ name: 'totals', inputs: { events }, sql: `select sum(n) * ${FACTOR} as total from events` });\n",
    });
    const first = await loadProject(dir);
    const before = first.datasets.get('totals')?.codeFingerprint;
    // Only the imported file changes: a cached module graph would keep FACTOR = 2.
    writeFileSync(path.join(dir, 'pipelines/shared.ts'), 'export const FACTOR = 3;\n');
    const cached = await loadProject(dir);
    assert.equal(cached.datasets.get('totals')?.codeFingerprint, before, 'without a new generation, ES modules come from the cache');
    const fresh = await loadProject(dir, { generation: 1 });
    const totals = fresh.datasets.get('totals');
    assert.notEqual(totals?.codeFingerprint, before);
    assert.match(totals?.sql ?? '', /\* 3 as total/);
    // Where a definition lives is still its file, without the generation.
    assert.equal(totals?.file, path.join('pipelines', 'totals.ts'));
  });
});
