/**
 * The orphan sweep of garbage collection: deletes lake objects that no version
 * known to the state store references — files of builds that crashed before
 * their commit, and manifests that were written but never made current — and
 * the store's stale staging (writes that never finished). Objects and staging
 * younger than the grace period are kept, because a build may be writing them
 * right now. It uses only the `ObjectStore` interface, so any store will do.
 */
import type { Lake } from './lake.ts';
import { MANIFEST_NAME } from './manifest.ts';

export interface SweepReport {
  readonly scannedObjects: number;
  readonly deletedObjects: number;
  readonly deletedBytes: number;
  /** Keys deleted (or that would be, on a dry run); staging entries by their ids. */
  readonly deleted: readonly string[];
  /** The same with their sizes (staging entries count 0 bytes). */
  readonly objects: readonly { readonly key: string; readonly bytes: number }[];
}

export interface SweepOptions {
  /** Every version prefix the state store knows. */
  readonly knownPrefixes: ReadonlySet<string>;
  /** Keep objects and staging modified after this time (ms since the epoch). */
  readonly keepNewerThan: number;
  /** Report what would be deleted, and delete nothing. */
  readonly dryRun?: boolean;
}

const AREAS = ['raw/', 'datasets/', 'dead-letter/'];

/**
 * Sweeps the lake once.
 *
 * @example
 * const report = await sweepOrphans(lake, { knownPrefixes: await state.versionPrefixes(), keepNewerThan: Date.now() - 3_600_000, dryRun: true });
 * console.log(`${report.deletedObjects} files, ${report.deletedBytes} bytes would go`);
 */
export async function sweepOrphans(lake: Lake, options: SweepOptions): Promise<SweepReport> {
  // A file is referenced when a known version's manifest lists it: raw versions
  // list files of earlier versions too, so folders alone do not tell.
  const referenced = new Set<string>();
  for (const prefix of options.knownPrefixes) {
    referenced.add(`${prefix}/${MANIFEST_NAME}`);
    const manifest = await lake.readManifest(prefix).catch(() => undefined);
    for (const file of manifest?.files ?? []) referenced.add(file.path);
  }
  const deleted: string[] = [];
  const objects: Array<{ key: string; bytes: number }> = [];
  let scanned = 0;
  let bytes = 0;
  for (const area of AREAS) {
    for await (const object of lake.store.list(area)) {
      scanned++;
      if (referenced.has(object.key) || object.modified > options.keepNewerThan) continue;
      deleted.push(object.key);
      objects.push({ key: object.key, bytes: object.size });
      bytes += object.size;
      if (!options.dryRun) await lake.store.delete(object.key);
    }
  }
  for await (const entry of lake.store.listStaging()) {
    if (entry.modified >= options.keepNewerThan) continue;
    deleted.push(entry.id);
    objects.push({ key: entry.id, bytes: 0 });
    if (!options.dryRun) await lake.store.removeStaging(entry.id);
  }
  return { scannedObjects: scanned, deletedObjects: deleted.length, deletedBytes: bytes, deleted, objects };
}
