/**
 * The object store role: a flat namespace of immutable objects under string
 * keys (`raw/events/date=…/hour=19/<version>/part-0.parquet`). Objects are
 * created once and never overwritten; a create-only write is how a version's
 * manifest commits it. Local folder now; S3 (conditional writes) later.
 */

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** Last modification, ms since the epoch. */
  readonly modified: number;
}

export interface ObjectStore {
  /** Creates `key` with `data`; durable on return. Throws ALREADY_EXISTS when `key` exists. */
  putIfAbsent(key: string, data: Uint8Array | string): Promise<void>;
  /**
   * Moves a finished local file (from `stagingPath()`) to `key`, create-only;
   * durable on return. The local file is gone afterwards. With
   * `syncName: false` only the content is durable on return, and the name is
   * made durable by the next `putIfAbsent` in the same folder (which the lake
   * always does: the manifest is written after the data files).
   */
  putFile(key: string, localPath: string, options?: { syncName?: boolean }): Promise<void>;
  /** Throws NOT_FOUND when `key` does not exist. */
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix`, in no particular order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Removes `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /** Where DuckDB can read `key`: a local path, or an `s3://` URL. */
  locate(key: string): string;
  /** A fresh local path to write a file to before `putFile`. */
  stagingPath(extension: string): string;
}
