/**
 * Lands a routed batch: one new Parquet file per touched window, a new version
 * of each touched raw partition (its earlier files plus the new one), the dead
 * letters in their own dataset, and one state transaction that makes all of
 * them current together. A crash before that transaction leaves only orphan
 * files, which `pond gc` sweeps; after it, the whole batch is visible.
 */
import type { StreamModel } from '../config/index.ts';
import { partitionKey, partitionPath, GRAINS, type Partitioning } from '../define/index.ts';
import type { Lake, LakeArea } from '../lake/index.ts';
import type { Column, NewVersion, StateStore, VersionFile } from '../state/index.ts';
import { writeRowsToParquet, type Engine } from '../transform/index.ts';
import type { RoutedBatch } from './route-events.ts';

export const DEAD_LETTER_COLUMNS: readonly Column[] = Object.freeze([
  { name: 'stream', type: 'VARCHAR' },
  { name: 'reason', type: 'VARCHAR' },
  { name: 'source', type: 'VARCHAR' },
  { name: '_received_at', type: 'TIMESTAMP WITH TIME ZONE' },
  { name: '_message_id', type: 'VARCHAR' },
  { name: '_raw', type: 'VARCHAR' },
]);

export const DEAD_LETTER_PARTITIONING: Partitioning = Object.freeze({ kind: 'time', grain: GRAINS.day });

/** Partition files written at once by one batch. */
const WRITERS = 4;

export interface LandContext {
  readonly lake: Lake;
  readonly state: StateStore;
  readonly engine: Engine;
}

export interface LandResult {
  readonly accepted: number;
  readonly deadLetters: number;
  /** Canonical keys of the raw partitions that got a new version. */
  readonly partitions: readonly string[];
  readonly versions: readonly NewVersion[];
}

export async function landBatch(ctx: LandContext, stream: StreamModel, batch: RoutedBatch, receivedAt: number): Promise<LandResult> {
  const requests: AppendRequest[] = [...batch.partitions]
    .sort((a, b) => a[0] - b[0])
    .map(([idx, rows]) => ({
      area: 'raw',
      stateName: stream.name,
      lakeName: stream.name,
      partitioning: stream.partitioning,
      idx,
      columns: stream.columns,
      rows: rows.map((r) => r.values),
      createdAt: receivedAt,
    }));
  if (batch.deadLetters.length > 0) {
    requests.push({
      area: 'dead-letter',
      stateName: stream.deadLetter,
      lakeName: stream.name,
      partitioning: DEAD_LETTER_PARTITIONING,
      idx: GRAINS.day.index(receivedAt),
      columns: DEAD_LETTER_COLUMNS,
      rows: batch.deadLetters.map((d) => ({
        stream: d.stream,
        reason: d.reason,
        source: d.source,
        _received_at: new Date(receivedAt).toISOString(),
        _message_id: d.messageId,
        _raw: d.raw,
      })),
      createdAt: receivedAt,
    });
  }
  // Partitions are written side by side (their fsyncs overlap), then committed together.
  const versions: NewVersion[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    const session = await ctx.engine.acquire();
    try {
      for (let i = next++; i < requests.length; i = next++) versions[i] = await appendVersion(ctx, session, requests[i] as AppendRequest);
    } finally {
      await ctx.engine.release(session);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITERS, requests.length) }, worker));
  if (versions.length > 0) await ctx.state.commitVersions(versions);
  await ctx.state.recordStreamActivity(stream.name, {
    maxEventTime: batch.maxEventTime,
    receivedAt,
    events: batch.accepted,
    deadLetters: batch.deadLetters.length,
  });
  return {
    accepted: batch.accepted,
    deadLetters: batch.deadLetters.length,
    partitions: versions.filter((v) => v.dataset === stream.name).map((v) => v.key),
    versions,
  };
}

interface AppendRequest {
  readonly area: LakeArea;
  readonly stateName: string;
  readonly lakeName: string;
  readonly partitioning: Partitioning;
  readonly idx: number;
  readonly columns: readonly Column[];
  readonly rows: Record<string, unknown>[];
  readonly createdAt: number;
}

async function appendVersion(ctx: LandContext, session: Awaited<ReturnType<Engine['connect']>>, req: AppendRequest): Promise<NewVersion> {
  const started = Date.now();
  const key = partitionKey(req.partitioning, req.idx);
  const current = (await ctx.state.currentVersions(req.stateName, req.idx, req.idx + 1))[0];
  const draft = ctx.lake.draft(req.area, req.lakeName, key, partitionPath(req.partitioning, req.idx), req.createdAt);
  const staged = ctx.lake.stagingPath();
  const written = await writeRowsToParquet(session, [req.rows], req.columns, staged, staged);
  const nextPart = current ? current.files.length : 0;
  const file = await ctx.lake.addFile(draft, nextPart, staged, written.rows, req.columns);
  const files: VersionFile[] = [...(current?.files ?? []), file];
  const manifest = await ctx.lake.writeManifest(draft, { files, schema: req.columns, codeFingerprint: 'raw', inputs: [], createdAt: req.createdAt });
  return {
    id: draft.versionId,
    dataset: req.stateName,
    idx: req.idx,
    key,
    prefix: draft.prefix,
    files,
    rows: manifest.rows,
    bytes: manifest.bytes,
    schema: req.columns,
    codeFingerprint: 'raw',
    inputSeq: 0,
    inputs: [],
    runId: null,
    cause: 'new-data',
    createdAt: req.createdAt,
    buildMs: Date.now() - started,
  };
}
