/**
 * The publisher: keeps every sink of every dataset at the partitions'
 * current versions. It compares what each sink last published of each
 * partition (the sink state) with the partition's current version, and
 * publishes the differences — so publishing is idempotent and catches up
 * after a crash, a failed publish or a sink added later. A current version is
 * always committed with its `error` checks passed (quarantined versions never
 * become current), so only those are ever published.
 *
 * A failed publish is recorded with its error and tried again after an
 * exponential backoff (5 s doubling to 5 min); a new version of the partition
 * is tried at once.
 *
 * A partition before its dataset's retention horizon (`retention.partitions`)
 * is never published: garbage collection removes it from every sink and then
 * expires it, and publishing it again in between would put it back.
 */
import type { DatasetModel, Project, SinkModel } from '../config/index.ts';
import type { Row } from '../define/index.ts';
import { partitionPath, retentionHorizon } from '../partition/index.ts';
import { asPondError, PondError } from '../errors/index.ts';
import type { Lake } from '../lake/index.ts';
import { quoteIdent, sqlString, type Engine } from '../compute/index.ts';
import type { CurrentVersion, SinkState, SinkStateStore, VersionStore } from '../state/index.ts';
import { inputQuery } from '../transform/index.ts';
import { openSink, sinkWhere } from './open-sink.ts';
import type { PartitionPayload, Sink } from './sink.ts';
import { sinkColumn, type SinkDialect } from './sink-columns.ts';
import { currentPartitions, sinkStatus, type CurrentPartition, type SinkStatus } from './sink-status.ts';

export interface PublishContext {
  readonly project: Project;
  readonly state: SinkStateStore & VersionStore;
  readonly lake: Lake;
  readonly engine: Engine;
}

export interface PublishResult {
  readonly dataset: string;
  readonly sink: string;
  readonly key: string;
  readonly versionId: string;
  readonly rows: number;
  readonly ms: number;
  /** Absent when the publish succeeded. */
  readonly error?: PondError;
}

export interface PublishSummary {
  readonly published: number;
  readonly failed: number;
  /** Partitions behind whose failed publish waits for its backoff. */
  readonly waiting: number;
  readonly results: readonly PublishResult[];
}

export interface PublisherOptions {
  /** Makes the sink for a model (tests swap in failing ones). */
  readonly openSink?: (dataset: string, model: SinkModel) => Sink;
  readonly now?: () => number;
}

/** The wait after `attempts` failed publishes in a row. */
export function publishBackoff(attempts: number): number {
  return Math.min(300_000, 5_000 * 2 ** Math.max(0, attempts - 1));
}

export class Publisher {
  private readonly sinks = new Map<string, Sink>();
  private readonly now: () => number;

  constructor(
    private readonly ctx: PublishContext,
    private readonly options: PublisherOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Publishes one partition's current version to each sink of its dataset that does not hold it yet (right after a build). */
  async publishPartition(dataset: string, idx: number): Promise<PublishResult[]> {
    const model = this.ctx.project.datasets.get(dataset);
    if (!model || model.sinks.length === 0 || idx < this.horizonOf(model)) return [];
    const current = (await this.ctx.state.currentVersions(dataset, idx, idx + 1))[0];
    if (!current) return [];
    const states = await this.ctx.state.sinkStates(dataset, { idx });
    const results: PublishResult[] = [];
    for (const sink of model.sinks) {
      const previous = states.find((s) => s.sink === sink.name);
      if (previous?.versionId === current.versionId) continue;
      results.push(await this.publishOne(model, sink, current, previous));
    }
    return results;
  }

  /**
   * Publishes every partition whose sink is behind its current version, for
   * the named datasets (all with sinks when none is named). Failed publishes
   * wait for their backoff unless `ignoreBackoff`; `force` publishes every
   * partition again (a serving database that was wiped or replaced).
   */
  async catchUp(
    options: { datasets?: readonly string[]; ignoreBackoff?: boolean; force?: boolean; onResult?: (result: PublishResult) => void; signal?: AbortSignal } = {},
  ): Promise<PublishSummary> {
    const results: PublishResult[] = [];
    let waiting = 0;
    for (const model of this.scope(options.datasets)) {
      const horizon = this.horizonOf(model);
      const partitions = (await this.partitionsOf(model)).filter((p) => p.idx >= horizon);
      const states = await this.ctx.state.sinkStates(model.name);
      for (const sink of model.sinks) {
        const bySink = new Map(states.filter((s) => s.sink === sink.name).map((s) => [s.idx, s]));
        for (const p of partitions) {
          if (options.signal?.aborted) break;
          const previous = bySink.get(p.idx);
          if (previous?.versionId === p.versionId && !options.force) continue;
          const backingOff = previous?.error != null && previous.attemptedVersion === p.versionId && (previous.nextAttemptAt ?? 0) > this.now();
          if (backingOff && !options.ignoreBackoff) {
            waiting++;
            continue;
          }
          const current = (await this.ctx.state.currentVersions(model.name, p.idx, p.idx + 1))[0];
          if (!current) continue;
          const result = await this.publishOne(model, sink, current, previous);
          results.push(result);
          options.onResult?.(result);
        }
      }
    }
    const failed = results.filter((r) => r.error).length;
    return { published: results.length - failed, failed, waiting, results };
  }

  /** Each sink's state: partitions published, behind and failed, with the errors (see sink-status.ts). */
  status(datasets?: readonly string[]): Promise<SinkStatus[]> {
    return sinkStatus(this.ctx.state, this.scope(datasets));
  }

  async close(): Promise<void> {
    const sinks = [...this.sinks.values()];
    this.sinks.clear();
    await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
  }

  private scope(datasets: readonly string[] | undefined): DatasetModel[] {
    const { project } = this.ctx;
    if (!datasets || datasets.length === 0)
      return project.order.map((n) => project.datasets.get(n)).filter((d): d is DatasetModel => d !== undefined && d.sinks.length > 0);
    return datasets.map((name) => {
      const model = project.datasets.get(name);
      if (!model) {
        const known = [...project.datasets.values()].filter((d) => d.sinks.length > 0).map((d) => d.name);
        throw new PondError('NOT_FOUND', `unknown dataset "${name}"`, { hint: `datasets with sinks: ${known.join(', ') || '(none)'}` });
      }
      if (model.sinks.length === 0)
        throw new PondError('BAD_ARGUMENT', `dataset "${name}" has no sinks`, {
          where: model.file,
          hint: 'declare them with sinks: [sink.sqlite({ … })] on the dataset',
        });
      return model;
    });
  }

  /** The first window the dataset's retention keeps now; the ones before are expiring. */
  private horizonOf(model: DatasetModel): number {
    return retentionHorizon(model.partitioning, model.retention.partitionsMs, this.now());
  }

  private partitionsOf(model: DatasetModel): Promise<CurrentPartition[]> {
    return currentPartitions(this.ctx.state, model.name);
  }

  private sinkFor(dataset: string, model: SinkModel): Sink {
    const id = `${dataset}\u0000${model.name}`;
    let sink = this.sinks.get(id);
    if (!sink) {
      sink = (this.options.openSink ?? openSink)(dataset, model);
      this.sinks.set(id, sink);
    }
    return sink;
  }

  private async publishOne(model: DatasetModel, sinkModel: SinkModel, current: CurrentVersion, previous: SinkState | undefined): Promise<PublishResult> {
    const started = this.now();
    const base = { dataset: model.name, sink: sinkModel.name, idx: current.idx, key: current.key };
    try {
      await this.sinkFor(model.name, sinkModel).publish(this.payload(model, current));
      const at = this.now();
      await this.ctx.state.recordSinkStates([
        { ...base, versionId: current.versionId, publishedAt: at, attemptedVersion: null, error: null, attempts: 0, nextAttemptAt: null, updatedAt: at },
      ]);
      return { dataset: model.name, sink: sinkModel.name, key: current.key, versionId: current.versionId, rows: current.rows, ms: at - started };
    } catch (thrown) {
      const cause = asPondError(thrown);
      const error =
        cause.where === undefined
          ? new PondError(cause.code, cause.message, {
              where: `${sinkWhere(model.name, sinkModel)} partition ${current.key}`,
              cause: thrown,
              retryable: cause.retryable,
              hint: cause.hint,
            })
          : cause;
      const at = this.now();
      const attempts = previous?.attemptedVersion === current.versionId ? previous.attempts + 1 : 1;
      await this.ctx.state.recordSinkStates([
        {
          ...base,
          versionId: previous?.versionId ?? null,
          publishedAt: previous?.publishedAt ?? null,
          attemptedVersion: current.versionId,
          error: error.describe(),
          attempts,
          nextAttemptAt: at + publishBackoff(attempts),
          updatedAt: at,
        },
      ]);
      return { dataset: model.name, sink: sinkModel.name, key: current.key, versionId: current.versionId, rows: 0, ms: at - started, error };
    }
  }

  private payload(model: DatasetModel, current: CurrentVersion): PartitionPayload {
    const { engine, lake } = this.ctx;
    const files = current.files.map((f) => lake.locate(f.path));
    const sameSchema = current.files.every((f) => f.columns !== undefined && f.columns === current.files[0]?.columns);
    const source = inputQuery({ files, columns: current.schema, sameSchema });
    const columns = current.schema;
    return {
      dataset: model.name,
      idx: current.idx,
      key: current.key,
      path: partitionPath(model.partitioning, current.idx),
      versionId: current.versionId,
      rowCount: current.rows,
      columns,
      async *rows(dialect: SinkDialect): AsyncIterable<Row[]> {
        if (columns.length === 0) return;
        const select = columns.map((c) => `${sinkColumn(c, dialect).select} as ${quoteIdent(c.name)}`).join(', ');
        const session = await engine.connect();
        try {
          yield* session.batches(`select ${select} from (${source})`);
        } finally {
          session.close();
        }
      },
      async copyTo(file: string, format: 'csv' | 'parquet'): Promise<void> {
        const session = await engine.connect();
        try {
          const options = format === 'csv' ? '(format csv, header true)' : "(format parquet, compression 'zstd')";
          await session.run(`copy (${source}) to ${sqlString(file)} ${options}`);
        } finally {
          session.close();
        }
      },
    };
  }
}
