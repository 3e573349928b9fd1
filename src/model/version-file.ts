/** One file of a version, as listed in its manifest. Paths are lake object keys. */
export interface VersionFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /**
   * Fingerprint of the file's columns (names and types, in order). Files with
   * equal fingerprints are read by position; others are matched by name.
   * Absent on files written before it was recorded.
   */
  readonly columns?: string;
}
