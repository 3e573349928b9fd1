/**
 * A version's manifest: the list of files that make it, and how it was made.
 * Created with a create-only write after every file is durable; its existence
 * (plus the state store's pointer) is what commits a version.
 */
import type { Column, InputVersion, VersionFile } from '../model/index.ts';

export const MANIFEST_NAME = '_manifest.json';

export type LakeArea = 'raw' | 'datasets' | 'dead-letter';

export interface Manifest {
  readonly format: 1;
  readonly area: LakeArea;
  readonly dataset: string;
  readonly partition: string;
  readonly version: string;
  readonly files: readonly VersionFile[];
  readonly rows: number;
  readonly bytes: number;
  readonly schema: readonly Column[];
  readonly codeFingerprint: string;
  readonly inputs: readonly InputVersion[];
  readonly createdAt: string;
}

/** The lake folder of one version: `datasets/hourly_sales/date=2026-11-23/hour=19/v2026…`. */
export function versionPrefix(area: LakeArea, dataset: string, partitionPath: string, versionId: string): string {
  return `${area}/${dataset}/${partitionPath}/${versionId}`;
}

export function manifestKey(prefix: string): string {
  return `${prefix}/${MANIFEST_NAME}`;
}

export function parseManifest(text: string, key: string): Manifest {
  const value = JSON.parse(text) as Partial<Manifest>;
  if (value.format !== 1 || !Array.isArray(value.files) || typeof value.version !== 'string') {
    throw new Error(`${key} is not a Pond manifest (format 1)`);
  }
  return value as Manifest;
}
