/**
 * The object store role: a flat namespace of immutable objects under string
 * keys (`raw/events/date=…/hour=19/<version>/part-0.parquet`). Objects are
 * created once and never overwritten; a create-only write is how a version's
 * manifest commits it. Local folder now; S3 (conditional writes) later.
 *
 * Staging is everything a store holds for writes that have not finished:
 * files written at `stagingPath()` and not yet moved by `putFile`, and
 * whatever the store keeps while it moves one (an S3 store: its local temp
 * files and its incomplete multipart uploads). None of it is an object: `list`
 * never shows it and no key names it. A writer that crashes leaves it behind,
 * so the store lists it (`listStaging`) and removes it (`removeStaging`), and
 * garbage collection decides what is stale. The contract asks for no folders
 * and no rename, so S3 can keep it.
 */

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** Last modification, ms since the epoch. */
  readonly modified: number;
}

/** One unfinished write (see the file header). */
export interface StagingEntry {
  /**
   * What `removeStaging` takes back, and what reports show: locally the staged
   * file's path; an S3 store might use `<key>#<upload id>` for a multipart upload.
   */
  readonly id: string;
  /**
   * When the writer last showed life, ms since the epoch: a local file's
   * modification time, a multipart upload's initiation time. An entry is
   * stale only when this is older than any write may take.
   */
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
  /** Every object whose key starts with `prefix`, in no particular order. Staging is not listed. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Removes `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /** Where DuckDB can read `key`: a local path, or an `s3://` URL. */
  locate(key: string): string;
  /** A fresh local path to write a file to before `putFile`. */
  stagingPath(extension: string): string;
  /**
   * Every staging entry, live writers' included (telling them apart is the
   * caller's job, by `modified`), in no particular order.
   *
   * @example
   * for await (const entry of store.listStaging()) {
   *   if (entry.modified < Date.now() - 3_600_000) await store.removeStaging(entry.id);
   * }
   */
  listStaging(): AsyncIterable<StagingEntry>;
  /**
   * Removes the staging entry `id` (from `listStaging`) and what it holds; no
   * error when it is already gone. Throws BAD_ARGUMENT for an id that names no
   * staging entry of this store, so that nothing else can be removed this way.
   */
  removeStaging(id: string): Promise<void>;
}
