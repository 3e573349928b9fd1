/**
 * Removing expiring partitions from a dataset's sinks (its PostgreSQL and
 * SQLite tables, files and webhooks), which the collection does BEFORE the
 * state transaction that expires them in the lake: a crash in between only
 * means the next collection removes them again (removing is idempotent) and
 * then expires them. When a sink fails, its dataset's partitions are not
 * expired this time, so that nothing is gone from the lake while a sink still
 * serves it; the error is reported and the next collection tries again. The
 * publisher never publishes a partition before the retention horizon, so
 * nothing puts a removed partition back.
 */
import type { DatasetModel, SinkModel } from '../config/index.ts';
import { partitionPath } from '../partition/index.ts';
import { asPondError } from '../errors/index.ts';
import { openSink, type PartitionRef, type Sink } from '../sink/index.ts';
import type { ExpiredPartition } from '../state/index.ts';

/** What one collection removed (or, in a dry run, would remove) from one sink. */
export interface SinkRemoval {
  readonly dataset: string;
  readonly sink: string;
  /** Where the sink publishes (no passwords or secrets). */
  readonly target: string;
  /** Keys of the partitions removed, oldest first (a dry run: that would be). */
  readonly partitions: readonly string[];
  /**
   * Why removing from this sink failed: the dataset's partitions that were
   * to expire after it stay in the lake, and the next collection tries again.
   */
  readonly error?: string;
}

/** Makes the sink for a model (`openSink`; tests swap in failing ones). */
export type OpenSink = (dataset: string, model: SinkModel) => Sink;

type Removal = { -readonly [K in keyof SinkRemoval]: SinkRemoval[K] } & { partitions: string[] };

/**
 * The sinks of one collection, opened as needed and closed at the end, and
 * what was removed from each.
 *
 * @example
 * const sinks = new SinkRemover();
 * try {
 *   if (await sinks.remove(model, expiring)) await expireThem();
 * } finally {
 *   await sinks.close();
 * }
 * console.log(sinks.removals());
 */
export class SinkRemover {
  private readonly sinks = new Map<string, { sink: Sink; removal: Removal }>();

  constructor(private readonly open: OpenSink = openSink) {}

  /** Records what a dry run would remove from each sink of the dataset; touches no sink. */
  plan(model: DatasetModel, keys: readonly string[]): void {
    if (keys.length === 0) return;
    for (const s of model.sinks) this.entry(model, s).removal.partitions.push(...keys);
  }

  /**
   * Removes the partitions from every sink of the dataset, each sink one
   * partition after another, stopping at its first failure. True when every
   * sink has none of them any more.
   */
  async remove(model: DatasetModel, partitions: readonly ExpiredPartition[]): Promise<boolean> {
    if (partitions.length === 0 || model.sinks.length === 0) return true;
    const refs: PartitionRef[] = partitions.map((p) => ({ dataset: model.name, idx: p.idx, key: p.key, path: partitionPath(model.partitioning, p.idx) }));
    const done = await Promise.all(
      model.sinks.map(async (s) => {
        const { sink, removal } = this.entry(model, s);
        for (const ref of refs) {
          try {
            await sink.remove(ref);
          } catch (thrown) {
            const error = asPondError(thrown);
            removal.error ??= error.where ? `${error.where}: ${error.message}` : error.message;
            return false;
          }
          removal.partitions.push(ref.key);
        }
        return true;
      }),
    );
    return done.every(Boolean);
  }

  /** Per sink that had something to remove, in the order first met. */
  removals(): SinkRemoval[] {
    return [...this.sinks.values()].map(({ removal }) => ({ ...removal, partitions: [...removal.partitions] }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.sinks.values()].map(({ sink }) => sink.close().catch(() => undefined)));
  }

  private entry(model: DatasetModel, s: SinkModel): { sink: Sink; removal: Removal } {
    const id = `${model.name}\u0000${s.name}`;
    let e = this.sinks.get(id);
    if (!e) {
      const sink = this.open(model.name, s);
      e = { sink, removal: { dataset: model.name, sink: s.name, target: sink.target, partitions: [] } };
      this.sinks.set(id, e);
    }
    return e;
  }
}
