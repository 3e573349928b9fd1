/**
 * What a project keeps, declared per stream, per dataset and as a project-wide
 * default (`retention` in pond.config.ts): how long whole partitions are kept
 * (`partitions`), and how many superseded versions of a partition and for how
 * long (`versions`).
 */
import type { Duration } from './duration.ts';

/**
 * How many of a partition's superseded versions are kept, and for how long.
 *
 * A version is *superseded* when a newer version of its partition became
 * current (for a quarantined version: when a newer attempt was made); its age
 * is measured from that moment, not from when it was built. A partition's
 * current version and its most recent quarantined version are never deleted.
 *
 * A superseded version is deleted only when it is beyond EVERY limit that is
 * set: with `keep` and `for` both set, it must be older than `for` AND have at
 * least `keep` newer superseded versions; with only one set, that one decides;
 * with neither, nothing is deleted (every version is kept, as when no
 * retention is declared). Whatever the limits, a version superseded less than
 * the grace period ago (`gc.grace`, default 1h) is kept, because a running
 * build may still be reading it.
 *
 * @example
 * retention: { versions: { keep: 3, for: '7d' } } // delete what is both beyond the 3 newest and superseded over 7 days ago
 */
export interface VersionRetention {
  /** Superseded versions kept per partition, newest first (a whole number ≥ 0). */
  keep?: number;
  /** How long a superseded version is kept after it was superseded, e.g. `'30d'`. */
  for?: Duration;
}

/**
 * What a stream or dataset keeps. A stream's retention also applies to its
 * dead letters. A stream's or dataset's `versions` replaces the project's
 * default `versions` as a whole (fields are not merged one by one).
 *
 * @example
 * export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time', retention: { versions: { keep: 2 } } });
 */
export interface RetentionOptions {
  /**
   * How long a partition is kept after its window ended, e.g. `'395d'` (13
   * months of raw personal data); `'forever'` (the default) keeps it. An
   * expired partition loses every version and file, current ones included,
   * and is never built again: datasets reading it keep what they built from
   * it (an aggregate kept forever stays), and windows of theirs that would
   * need it are not built any more. Only for time-partitioned streams and
   * datasets; a stream's also applies to its dead letters.
   */
  partitions?: Duration | 'forever';
  versions?: VersionRetention;
}

/** Garbage collection by `pond up` and `pond gc`. */
export interface GcOptions {
  /** How often `pond up` collects garbage (first run a minute after start). Default `'1h'`. */
  interval?: Duration;
  /**
   * Superseded versions and unreferenced files younger than this are kept,
   * since a running build may still read them; keep it longer than a build's
   * lease. Default `'1h'`.
   */
  grace?: Duration;
}
