/**
 * The lake: versions of partitions as immutable files plus a manifest, over an
 * object store. Writing a version is: stage files, move each into the
 * version's folder (durable), then create the manifest (create-only). Only
 * after that may the state store make the version current.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Column, InputVersion, VersionFile } from '../model/index.ts';
import { manifestKey, parseManifest, versionPrefix, type LakeArea, type Manifest } from './manifest.ts';
import type { ObjectStore } from './object-store.ts';
import { newVersionId } from './version-id.ts';

export interface VersionDraft {
  readonly area: LakeArea;
  readonly dataset: string;
  readonly partitionKey: string;
  readonly partitionPath: string;
  readonly versionId: string;
  readonly prefix: string;
}

/** A short fingerprint of a list of columns: equal lists, equal fingerprints. */
export function columnsFingerprint(columns: readonly Column[]): string {
  return createHash('sha256')
    .update(JSON.stringify(columns.map((c) => [c.name, c.type])))
    .digest('hex')
    .slice(0, 16);
}

export class Lake {
  constructor(readonly store: ObjectStore) {}

  /** Starts a version: picks its id and folder. Nothing is written yet. */
  draft(area: LakeArea, dataset: string, partitionKey: string, partitionPath: string, now = Date.now()): VersionDraft {
    const versionId = newVersionId(now);
    return { area, dataset, partitionKey, partitionPath, versionId, prefix: versionPrefix(area, dataset, partitionPath, versionId) };
  }

  /** A local path to write a data file to, before `addFile`. */
  stagingPath(extension = '.parquet'): string {
    return this.store.stagingPath(extension);
  }

  /** Moves a finished staged file into the version as `part-<n>.parquet`; durable on return. */
  async addFile(draft: VersionDraft, n: number, stagedPath: string, rows: number, columns: readonly Column[]): Promise<VersionFile> {
    const bytes = (await stat(stagedPath)).size;
    const key = `${draft.prefix}/part-${n}.parquet`;
    // The folder entry becomes durable with the manifest's, written next in the same folder.
    await this.store.putFile(key, stagedPath, { syncName: false });
    return { path: key, rows, bytes, columns: columnsFingerprint(columns) };
  }

  /** Commits the version's contents in the lake by creating its manifest (create-only). */
  async writeManifest(
    draft: VersionDraft,
    content: { files: readonly VersionFile[]; schema: readonly Column[]; codeFingerprint: string; inputs: readonly InputVersion[]; createdAt: number },
  ): Promise<Manifest> {
    const manifest: Manifest = {
      format: 1,
      area: draft.area,
      dataset: draft.dataset,
      partition: draft.partitionKey,
      version: draft.versionId,
      files: content.files,
      rows: content.files.reduce((n, f) => n + f.rows, 0),
      bytes: content.files.reduce((n, f) => n + f.bytes, 0),
      schema: content.schema,
      codeFingerprint: content.codeFingerprint,
      inputs: content.inputs,
      createdAt: new Date(content.createdAt).toISOString(),
    };
    await this.store.putIfAbsent(manifestKey(draft.prefix), JSON.stringify(manifest, null, 1));
    return manifest;
  }

  async readManifest(prefix: string): Promise<Manifest> {
    const key = manifestKey(prefix);
    return parseManifest(new TextDecoder().decode(await this.store.get(key)), key);
  }

  /** Where DuckDB reads a file of the lake. */
  locate(key: string): string {
    return this.store.locate(key);
  }
}
