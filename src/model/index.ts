/**
 * Storage-independent values that every layer speaks: a table's columns, the
 * files of a version, the input versions a version was built from, and the
 * range of every window. The lake's manifests are written in these terms and
 * the state store indexes them, so the state can be rebuilt from the lake.
 * Imports nothing of Pond's.
 */
export type { Column } from './column.ts';
export type { InputVersion } from './input-version.ts';
export type { VersionFile } from './version-file.ts';
export { ALL_WINDOWS } from './windows.ts';
