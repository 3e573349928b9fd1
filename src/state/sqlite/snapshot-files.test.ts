import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import type { KyselyStateStore } from '../kysely-state-store.ts';
import { decodeSnapshot } from '../partition-cache/snapshot-codec.ts';
import type { NewVersion } from '../roles/index.ts';
import { openSqliteStateStore } from './sqlite-state-store.ts';
import { snapshotFolder } from './snapshot-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'pond-snapshots-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function open(path: string): Promise<KyselyStateStore> {
  const store = await openSqliteStateStore(path, { snapshotMinRows: 0 });
  await store.migrate();
  return store;
}

function storeId(path: string): string {
  const db = new Sqlite(path, { readonly: true });
  try {
    return (db.prepare(`select value from meta where key = 'store_id'`).get() as { value: string }).value;
  } finally {
    db.close();
  }
}

function versions(dataset: string, from: number, to: number, codeFingerprint = 'f1'): NewVersion[] {
  return Array.from({ length: to - from }, (_, i) => {
    const idx = from + i;
    const id = `${dataset}-${idx}-${Math.random().toString(36).slice(2)}`;
    return {
      id,
      dataset,
      idx,
      key: `k${idx}`,
      prefix: `datasets/${dataset}/${id}`,
      files: [],
      rows: 0,
      bytes: 0,
      schema: [],
      codeFingerprint,
      inputSeq: idx,
      inputs: [],
      runId: null,
      cause: 'missing' as const,
      createdAt: 0,
      buildMs: 0,
    };
  });
}

describe('sqlite partition snapshot files', () => {
  it('writes a snapshot beside the database and ignores torn, foreign or garbage files', async () => {
    const path = join(dir, 'a', 'state.db');
    const store = await open(path);
    try {
      await store.commitVersions(versions('ds', 0, 100));
      const whole = await store.partitionColumns('ds');
      const files = readdirSync(snapshotFolder(path));
      assert.deepEqual(files, ['ds.bin']);
      const file = join(snapshotFolder(path), 'ds.bin');

      // Another database, same dataset name, different rows: A's file copied into B's folder is not B's.
      const other = join(dir, 'b', 'state.db');
      const b = await open(other);
      try {
        await b.commitVersions(versions('ds', 50, 60, 'f2'));
        mkdirSync(snapshotFolder(other), { recursive: true });
        copyFileSync(file, join(snapshotFolder(other), 'ds.bin'));
        const fresh = await open(other);
        try {
          assert.deepEqual(
            [...(await fresh.partitionColumns('ds')).idx],
            Array.from({ length: 10 }, (_, i) => 50 + i),
          );
        } finally {
          await fresh.close();
        }
      } finally {
        await b.close();
      }

      // Torn and garbage files: the store reads in full.
      for (const bad of [Buffer.alloc(0), Buffer.from('not a snapshot'), Buffer.alloc(5000, 1)]) {
        writeFileSync(file, bad);
        const fresh = await open(path);
        try {
          assert.deepEqual(await fresh.partitionColumns('ds'), whole);
        } finally {
          await fresh.close();
        }
      }
    } finally {
      await store.close();
    }
  });

  it('ignores snapshots of a later state after the database is restored from a backup', async () => {
    const path = join(dir, 'restore', 'state.db');
    const backup = join(dir, 'restore-backup.db');
    const store = await open(path);
    const file = new Sqlite(path);
    try {
      await store.commitVersions(versions('r', 0, 100));
      await store.partitionColumns('r');
      await file.backup(backup);
      await store.commitVersions(versions('r', 100, 300, 'f2'));
      await store.partitionColumns('r');
    } finally {
      file.close();
      await store.close();
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    copyFileSync(backup, path);
    const restored = await open(path);
    try {
      const got = await restored.partitionColumns('r');
      assert.deepEqual(
        [...got.idx],
        Array.from({ length: 100 }, (_, i) => i),
      );
      assert.deepEqual(got.codeFingerprints, ['f1']);
    } finally {
      await restored.close();
    }
  });

  it('a stale snapshot plus the delta equals a full read, and a large delta renews the file', async () => {
    const path = join(dir, 'c', 'state.db');
    const store = await open(path);
    try {
      await store.commitVersions(versions('big', 0, 1000, 'f1'));
      await store.partitionColumns('big');
      const file = join(snapshotFolder(path), 'big.bin');
      assert.ok(existsSync(file));
      // Changes made through another instance: this one's memory and the file are both behind.
      const writer = await open(path);
      try {
        await writer.commitVersions(versions('big', 500, 520, 'f2'));
        await writer.markFailed('big', 2000, 'k2000', 'never built');
        await writer.markFailed('big', -5, 'k-5', 'never built');
      } finally {
        await writer.close();
      }
      const reader = await open(path);
      try {
        const fromSnapshot = await reader.partitionColumns('big');
        rmSync(snapshotFolder(path), { recursive: true, force: true });
        const fresh = await open(path);
        try {
          assert.deepEqual(fromSnapshot, await fresh.partitionColumns('big'));
          assert.deepEqual(await store.partitionColumns('big'), fromSnapshot);
        } finally {
          await fresh.close();
        }
        // A small delta leaves the file as it is; a large one (> 5% of the rows) renews it.
        const covered = (): number | undefined => decodeSnapshot(readFileSync(file), storeId(path), 'big')?.covered;
        const shelved = covered();
        assert.ok(shelved !== undefined);
        await store.markFailed('big', 3, 'k3', 'boom');
        await reader.partitionColumns('big');
        assert.equal(covered(), shelved);
        await store.commitVersions(versions('big', 3000, 3100));
        await reader.partitionColumns('big');
        assert.equal(covered(), await store.currentSeq());
      } finally {
        await reader.close();
      }
    } finally {
      await store.close();
    }
  });
});
