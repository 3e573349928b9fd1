/**
 * Cancellation reaches a running build from any process: cancelling its task
 * in the state store interrupts the SQL, and the run is recorded as cancelled.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openContext } from '../src/cli/context.ts';
import { Executor } from '../src/orchestrate/index.ts';
import { openStateStore } from '../src/state/index.ts';
import { EVENTS_SCHEMA, makeProject, ndjson, pondJson } from './helpers/project.ts';

describe('cancellation', () => {
  it('stops a running SQL build when its task is cancelled elsewhere', { timeout: 60_000 }, async () => {
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/p.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const slow = dataset({ name: 'slow', inputs: { events }, sql: 'select count(*) as n from events, range(100000000000) t' });
`,
      'e.ndjson': ndjson([
        { user_id: 'a', time_utc: '2026-11-20T10:00:00Z', amount: 1 },
        { user_id: 'a', time_utc: '2026-11-20T12:00:00Z', amount: 1 },
      ]),
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'e.ndjson'));
    writeFileSync(path.join(dir, 'pond.config.ts'), "import { defineConfig } from 'pond';\nexport default defineConfig({ concurrency: 1 });\n");
    const ctx = await openContext({ project: dir });
    const other = await openStateStore({ sqlitePath: path.join(dir, '.pond/state.db') });
    try {
      const started = new Promise<void>((resolve) => {
        void (async () => {
          while ((await other.listRuns({ status: 'running' })).length === 0) await new Promise((r) => setTimeout(r, 20));
          resolve();
        })();
      });
      const build = new Executor(ctx).build({ leaseMs: 1500, to: Date.parse('2026-11-20T11:00:00Z') });
      await started;
      assert.equal(await other.cancelTasks(['slow']), 1);
      // The query would run for hours and its lease is renewed: the build ends only because the cancel stopped it.
      const summary = await build;
      assert.equal(summary.succeeded, 0);
      const runs = await other.listRuns({ dataset: 'slow' });
      assert.equal(runs[0]?.status, 'cancelled');
      assert.equal((await other.getPartition('slow', runs[0]?.idx ?? 0))?.versionId ?? null, null);
    } finally {
      await other.close();
      await ctx.close();
    }
  });
});
