import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { openStateStore } from '../open-state-store.ts';
import { stateStoreSuite } from '../state-store.suite.ts';
import type { NewVersion } from '../roles/index.ts';
import { readPartitionColumns } from './sqlite-partition-columns.ts';
import { openSqliteStateStore } from './sqlite-state-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'pond-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Every open() reaches the same file, in a folder that does not exist yet;
// snapshot files for every dataset, however small, so the suite exercises them.
// Twice: with the hot path (what runs every day) and without it (the Kysely
// statements PostgreSQL runs), so both are held to the same contract on SQLite.
for (const hotPath of [true, false]) {
  const name = hotPath ? 'sqlite' : 'sqlite without the hot path';
  const file = join(dir, hotPath ? 'nested' : 'plain', 'state.db');
  stateStoreSuite(name, async () => {
    const store = await openSqliteStateStore(file, { snapshotMinRows: 0, hotPath });
    await store.migrate();
    return store;
  });
}

describe('sqlite partitionColumns fast path', () => {
  it('reads across pages, with negative idx, the same as one page', async () => {
    const path = join(dir, 'pages.db');
    const store = await openStateStore({ sqlitePath: path });
    const file = new Sqlite(path, { readonly: true });
    try {
      const idx = [-3, -1, 0, 2, 3, 4, 9];
      await store.commitVersions(idx.map((i, n) => version(i, n % 2 === 0 ? 'fa' : 'fb')));
      await store.markFailed('paged', 3, 'k3', 'boom');
      await store.markFailed('paged', 5, 'k5', 'boom');
      const whole = await store.partitionColumns('paged');
      assert.deepEqual([...whole.idx], [-3, -1, 0, 2, 3, 4, 5, 9]);
      for (const page of [1, 2, 3, 8, 100]) assert.deepEqual(readPartitionColumns(file, 'paged', page), whole);
      assert.deepEqual([...whole.failed], [0, 0, 0, 0, 1, 0, 1, 0]);
      assert.deepEqual([...whole.built], [1, 1, 1, 1, 1, 1, 0, 1]);
      assert.deepEqual(
        [...whole.codeRef].map((r) => (r < 0 ? null : whole.codeFingerprints[r])),
        ['fa', 'fb', 'fa', 'fb', 'fa', 'fb', null, 'fa'],
      );
    } finally {
      file.close();
      await store.close();
    }
  });
});

function version(idx: number, codeFingerprint: string): NewVersion {
  const id = `paged-${idx}`;
  return {
    id,
    dataset: 'paged',
    idx,
    key: `k${idx}`,
    prefix: `datasets/paged/${id}`,
    files: [],
    rows: 0,
    bytes: 0,
    schema: [],
    codeFingerprint,
    inputSeq: 0,
    inputs: [],
    runId: null,
    cause: 'missing',
    createdAt: 0,
    buildMs: 0,
  };
}
