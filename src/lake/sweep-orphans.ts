/**
 * Garbage collection: deletes lake objects that no version known to the state
 * store references — files of builds that crashed before their commit, and
 * manifests that were written but never made current. Objects younger than the
 * grace period are kept, because a build may be writing them right now.
 */
import { rm } from 'node:fs/promises';
import { MANIFEST_NAME } from './manifest.ts';
import type { Lake } from './lake.ts';
import { LocalObjectStore } from './local/local-object-store.ts';

export interface GcReport {
  readonly scannedObjects: number;
  readonly deletedObjects: number;
  readonly deletedBytes: number;
  /** Keys deleted (or that would be, on a dry run). */
  readonly deleted: readonly string[];
  /** The same with their sizes (staging files count 0 bytes). */
  readonly objects: readonly { readonly key: string; readonly bytes: number }[];
}

export interface GcOptions {
  /** Every version prefix the state store knows. */
  readonly knownPrefixes: ReadonlySet<string>;
  /** Keep objects modified after this time (ms since the epoch). */
  readonly keepNewerThan: number;
  readonly dryRun?: boolean;
}

const AREAS = ['raw/', 'datasets/', 'dead-letter/'];

export async function collectGarbage(lake: Lake, options: GcOptions): Promise<GcReport> {
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
  if (lake.store instanceof LocalObjectStore) {
    for await (const file of lake.store.staleStaging(options.keepNewerThan)) {
      deleted.push(file);
      objects.push({ key: file, bytes: 0 });
      if (!options.dryRun) await rm(file, { force: true });
    }
  }
  return { scannedObjects: scanned, deletedObjects: deleted.length, deletedBytes: bytes, deleted, objects };
}
