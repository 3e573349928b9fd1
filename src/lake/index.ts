/** The lake: immutable versioned partitions over an object store. */
export type { ObjectStore, ObjectInfo, StagingEntry } from './object-store.ts';
export { LocalObjectStore } from './local/local-object-store.ts';
export { Lake, columnsFingerprint, type VersionDraft } from './lake.ts';
export { MANIFEST_NAME, manifestKey, versionPrefix, parseManifest, type Manifest, type LakeArea } from './manifest.ts';
export { newVersionId } from './version-id.ts';
export { sweepOrphans, type SweepReport, type SweepOptions } from './sweep-orphans.ts';
