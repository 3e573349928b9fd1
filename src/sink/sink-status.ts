/**
 * Where each sink stands: of a dataset's partitions with a current version,
 * how many each sink holds at that version, how many are behind, and which
 * fail with what error and when they are tried next. What `pond sinks` prints
 * and `GET /api/sinks` answers; it only reads the state, it never connects.
 */
import type { DatasetModel, SinkModel } from '../config/index.ts';
import type { SinkStateStore, VersionStore } from '../state/index.ts';
import { openSink } from './open-sink.ts';

export interface SinkStatus {
  readonly dataset: string;
  readonly sink: string;
  readonly kind: SinkModel['kind'];
  readonly target: string;
  /** Partitions with a current version. */
  readonly partitions: number;
  /** Of those, published at their current version. */
  readonly published: number;
  /** Not published at their current version, and not failing. */
  readonly behind: number;
  /** Whose last attempt at their current version failed. */
  readonly failed: number;
  readonly lastPublishedAt: number | null;
  readonly errors: ReadonlyArray<{ key: string; version: string; error: string; attempts: number; nextAttemptAt: number | null }>;
}

/** A partition with a current version. */
export interface CurrentPartition {
  readonly idx: number;
  readonly key: string;
  readonly versionId: string;
}

/** The partitions of a dataset that have a current version, by idx. */
export async function currentPartitions(state: SinkStateStore & VersionStore, dataset: string): Promise<CurrentPartition[]> {
  const all = await state.listPartitions(dataset);
  return all.filter((p) => p.versionId !== null).map((p) => ({ idx: p.idx, key: p.key, versionId: p.versionId as string }));
}

/** The status of every sink of `models`, in their order. */
export async function sinkStatus(state: SinkStateStore & VersionStore, models: readonly DatasetModel[]): Promise<SinkStatus[]> {
  const out: SinkStatus[] = [];
  for (const model of models) {
    if (model.sinks.length === 0) continue;
    const partitions = await currentPartitions(state, model.name);
    const states = await state.sinkStates(model.name);
    for (const sink of model.sinks) {
      const bySink = new Map(states.filter((s) => s.sink === sink.name).map((s) => [s.idx, s]));
      let published = 0;
      let failed = 0;
      let lastPublishedAt: number | null = null;
      const errors: Array<SinkStatus['errors'][number]> = [];
      for (const p of partitions) {
        const s = bySink.get(p.idx);
        if (s?.publishedAt != null) lastPublishedAt = Math.max(lastPublishedAt ?? 0, s.publishedAt);
        if (s?.versionId === p.versionId) published++;
        else if (s?.error != null && s.attemptedVersion === p.versionId) {
          failed++;
          errors.push({ key: p.key, version: p.versionId, error: s.error, attempts: s.attempts, nextAttemptAt: s.nextAttemptAt });
        }
      }
      const target = openSink(model.name, sink).target;
      out.push({
        dataset: model.name,
        sink: sink.name,
        kind: sink.kind,
        target,
        partitions: partitions.length,
        published,
        behind: partitions.length - published - failed,
        failed,
        lastPublishedAt,
        errors,
      });
    }
  }
  return out;
}
