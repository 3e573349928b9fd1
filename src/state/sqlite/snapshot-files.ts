import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SnapshotShelf } from '../partition-cache/partition-columns-cache.ts';
import { decodeSnapshot, encodeSnapshot } from '../partition-cache/snapshot-codec.ts';
import type { Snapshot } from '../partition-cache/snapshot-codec.ts';

/**
 * The folder of snapshot files for the database at `dbPath`:
 * `<db dir>/partition-cache/<db file name>/`. Per file name, so a copy of the
 * database beside the original (same store id) never shares its snapshots.
 */
export function snapshotFolder(dbPath: string): string {
  return join(dirname(dbPath), 'partition-cache', basename(dbPath));
}

/** A file name for any dataset name: percent-encoded, so no two names share one (the file also records the name). */
function fileName(dataset: string): string {
  return `${encodeURIComponent(dataset).replace(/\./g, '%2E').replace(/\*/g, '%2A')}.bin`;
}

/**
 * Partition-columns snapshots as files in `<db dir>/partition-cache/`. A
 * write goes to a temporary file that is renamed over the old one, so a
 * reader in another process sees the old file or the new one, never a mix;
 * whatever does not decode (including another database's file, told apart by
 * the store id) is ignored. No fsync: after a power loss a file may be
 * empty or short, which the decoder refuses (length and trailing magic).
 */
export function snapshotFiles(dbPath: string, storeId: () => Promise<string>, currentSeq: () => Promise<number>): SnapshotShelf {
  const folder = snapshotFolder(dbPath);
  return {
    async load(dataset: string): Promise<Snapshot | undefined> {
      let buf: Buffer;
      try {
        buf = await readFile(join(folder, fileName(dataset)));
      } catch {
        return undefined;
      }
      try {
        const snapshot = decodeSnapshot(buf, await storeId(), dataset);
        // Covering more than the database ever gave: the file belongs to a later
        // state than this one (a database restored from a backup, say).
        if (snapshot && snapshot.covered > (await currentSeq())) return undefined;
        return snapshot;
      } catch {
        return undefined;
      }
    },
    async save(dataset: string, snapshot: Snapshot): Promise<void> {
      const target = join(folder, fileName(dataset));
      const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await mkdir(dirname(target), { recursive: true });
      const buf = encodeSnapshot(await storeId(), dataset, snapshot);
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(buf);
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}
