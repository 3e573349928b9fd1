import type { PartitionColumns } from '../roles/index.ts';
import { cloneColumns, mergeRows } from './merge.ts';
import type { PartitionRow } from './merge.ts';
import type { Snapshot } from './snapshot-codec.ts';

/** Where the cache reads partitions from: the database. */
export interface PartitionSource {
  /**
   * All partitions of the dataset, and a `covered` seq such that every change
   * with change_seq <= covered is included (rows newer than it may be too:
   * applying them again later is harmless).
   */
  full(dataset: string): Promise<Snapshot>;
  /**
   * The rows with change_seq > `after`, sorted by idx, and the highest
   * change_seq among them (`after` when none). Sound because every write
   * takes its change_seq from the global sequence inside its own transaction,
   * and writers take the sequence one after another, so no change below the
   * highest one seen can still commit later.
   */
  delta(dataset: string, after: number): Promise<{ rows: PartitionRow[]; covered: number }>;
}

/** Snapshots that outlive the process (SQLite: files beside the database). */
export interface SnapshotShelf {
  load(dataset: string): Promise<Snapshot | undefined>;
  save(dataset: string, snapshot: Snapshot): Promise<void>;
}

export interface CacheOptions {
  /** Datasets with fewer rows are not written to the shelf: a full read of them is already fast. */
  readonly shelfMinRows?: number;
  /** A new snapshot is shelved once this many rows changed since the shelved one... */
  readonly maxDeltaRows?: number;
  /** ...or this fraction of the rows. */
  readonly maxDeltaFraction?: number;
}

interface Entry {
  snapshot: Snapshot;
  /** Rows read as delta since the shelved snapshot (Infinity: none shelved). */
  sinceShelved: number;
}

/**
 * Snapshot + delta reads of `partitionColumns`: the first read of a dataset
 * takes the shelved snapshot (or reads in full), later reads fetch only rows
 * changed since and merge them. What it returns is always exactly what a full
 * read at that moment gives, as a copy the caller may change.
 */
export class PartitionColumnsCache {
  private readonly entries = new Map<string, Entry>();
  /** Reads of one dataset take turns, so two merges never race on one entry. */
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly source: PartitionSource,
    private readonly shelf?: SnapshotShelf,
    private readonly options: CacheOptions = {},
  ) {}

  read(dataset: string): Promise<PartitionColumns> {
    const previous = this.turns.get(dataset) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.readNow(dataset));
    this.turns.set(dataset, mine);
    void mine
      .catch(() => undefined)
      .then(() => {
        if (this.turns.get(dataset) === mine) this.turns.delete(dataset);
      });
    return mine;
  }

  private async readNow(dataset: string): Promise<PartitionColumns> {
    let entry = this.entries.get(dataset);
    if (!entry) {
      const shelved = await this.shelf?.load(dataset);
      if (shelved) entry = { snapshot: shelved, sinceShelved: 0 };
    }
    if (!entry) {
      entry = { snapshot: await this.source.full(dataset), sinceShelved: Infinity };
    } else {
      const delta = await this.source.delta(dataset, entry.snapshot.covered);
      if (delta.rows.length > 0) {
        entry.snapshot = { covered: delta.covered, columns: mergeRows(entry.snapshot.columns, delta.rows) };
        entry.sinceShelved += delta.rows.length;
      }
    }
    // Only a complete entry is kept: a failed read above leaves the old one.
    this.entries.set(dataset, entry);
    await this.maybeShelve(dataset, entry);
    return cloneColumns(entry.snapshot.columns);
  }

  private async maybeShelve(dataset: string, entry: Entry): Promise<void> {
    if (!this.shelf || entry.sinceShelved === 0) return;
    const n = entry.snapshot.columns.idx.length;
    if (n < (this.options.shelfMinRows ?? 4096)) return;
    const limit = Math.min(this.options.maxDeltaRows ?? 10_000, n * (this.options.maxDeltaFraction ?? 0.05));
    if (entry.sinceShelved <= limit) return;
    try {
      await this.shelf.save(dataset, entry.snapshot);
      entry.sinceShelved = 0;
    } catch {
      // A snapshot is only a shortcut: failing to write one (full disk, read-only folder) costs time, not correctness.
    }
  }
}
