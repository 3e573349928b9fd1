/**
 * Lands routed events: one new Parquet file per touched window, a new version
 * of each touched raw partition (its earlier files plus the new one, or one
 * compacted file once it has many), the dead letters in their own dataset,
 * and one state transaction that makes all of them current together — with
 * the consumer offsets and messageIds the caller passes, so that what was
 * landed and how far the buffer was read can never disagree.
 *
 * A crash before that transaction leaves only orphan files, which `pond gc`
 * sweeps. If another writer committed one of the partitions in between
 * (`pond load` beside a running lander), the transaction fails with CONFLICT
 * and the batch is written again on the new versions.
 */
import type { StreamModel } from '../config/index.ts';
import { GRAINS, partitionKey, partitionPath, type Partitioning } from '../partition/index.ts';
import { PondError } from '../errors/index.ts';
import { columnsFingerprint, type Lake, type LakeArea } from '../lake/index.ts';
import { checkVersion, describeFailure } from '../quality/index.ts';
import type { Column, VersionFile } from '../model/index.ts';
import type { ConsumerOffset, LandingCommit, NewCheckResult, NewVersion, LandingStore, VersionStore, SubjectKeyStore } from '../state/index.ts';
import type { Engine } from '../compute/index.ts';
import type { Receipt } from '../event/index.ts';
import { wellFormed } from '../schema/index.ts';
import { plainRowShape, rawRowShape, type RowShape } from './raw-row.ts';
import { writePartitionFile } from './write-partition-file.ts';
import { protectBatches, type KeyRingSource } from './protect-batch.ts';

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
/** Times a batch is written again when another writer got to a partition first. */
const CONFLICT_ATTEMPTS = 5;

export interface LandContext {
  readonly lake: Lake;
  readonly state: LandingStore & VersionStore & SubjectKeyStore;
  readonly engine: Engine;
  /** The data subjects' keys; required to land a stream with personal data (see protect-batch.ts). */
  readonly keyRing?: KeyRingSource;
}

/** One row to land: its line of JSON for DuckDB (see raw-row.ts), and what a dead letter needs if DuckDB refuses it. */
export interface RawRow {
  readonly line: string;
  readonly eventTime: number;
  readonly messageId: string;
  readonly receivedAt: number;
  readonly source: string;
  /** What `_raw` lands as (null: a forgotten subject's event, anonymized). */
  readonly raw: string | null;
  /** What the row was made of (rows of stream events): personal data is protected from it before landing. */
  readonly receipt?: Receipt;
}

export interface DeadLetter {
  readonly stream: string;
  readonly reason: string;
  /** The event as received; once protected, what `_raw` lands as (null: a forgotten subject's, anonymized). */
  readonly raw: string | null;
  readonly source: string;
  readonly messageId: string;
  readonly receivedAt: number;
  /** Set when the collector protected it before the buffer (reason and `raw` are as they land); `subject` is the pseudonym of its data subject. */
  readonly protection?: { readonly subject: string | null };
  /**
   * The reason was made knowing the stream's personal fields (event/classify-event.ts)
   * and quotes none of their values: it lands as it is. Otherwise, in a stream
   * with personal data, whatever it quotes of the event is cut out first.
   */
  readonly reasonMasked?: boolean;
}

/** The events of one stream in a batch, sorted into windows. */
export interface StreamBatch {
  readonly stream: StreamModel;
  /** Rows by window number. */
  readonly partitions: Map<number, RawRow[]>;
  readonly deadLetters: DeadLetter[];
  /** Newest receipt in the batch. */
  readonly receivedAt: number;
}

export interface LandResult {
  readonly accepted: number;
  readonly deadLetters: readonly DeadLetter[];
  /** `stream key` of the raw partitions that got a new version. */
  readonly partitions: readonly string[];
  readonly versions: readonly NewVersion[];
  /** Raw versions whose `error` checks failed: kept, quarantined, not current; their partitions are marked failed. */
  readonly quarantined: readonly { readonly stream: string; readonly key: string; readonly versionId: string; readonly error: string }[];
  /** Events whose personal data was dropped (no data subject, or a forgotten one): never landed in clear. */
  readonly withheld: number;
  /** Events of forgotten subjects left out by the 'drop' policy. */
  readonly dropped: number;
}

/** What goes into the landing transaction besides the versions. */
export interface LandExtras {
  readonly offsets?: readonly ConsumerOffset[];
  /** Remember each landed messageId for dedup (stream events under the stream, dead letters under the dead-letter dataset). */
  readonly rememberMessages?: boolean;
}

export async function landBatches(ctx: LandContext, batches: readonly StreamBatch[], createdAt: number, extras: LandExtras = {}): Promise<LandResult> {
  // Once, before any attempt: nothing personal is written in clear, to the lake or the dead letters.
  const { batches: landed, withheld, dropped } = await protectBatches(ctx.keyRing, batches, ctx.state);
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await landOnce(ctx, landed, createdAt, extras)), withheld, dropped };
    } catch (error) {
      if (!(error instanceof PondError && error.code === 'CONFLICT') || attempt >= CONFLICT_ATTEMPTS) throw error;
    }
  }
}

async function landOnce(
  ctx: LandContext,
  batches: readonly StreamBatch[],
  createdAt: number,
  extras: LandExtras,
): Promise<Omit<LandResult, 'withheld' | 'dropped'>> {
  // Raw partitions first: rows DuckDB cannot store as their columns say join the dead letters.
  const rawRequests: AppendRequest[] = [];
  for (const batch of batches) {
    for (const [idx, rows] of [...batch.partitions].sort((a, b) => a[0] - b[0])) {
      rawRequests.push({
        area: 'raw',
        stateName: batch.stream.name,
        lakeName: batch.stream.name,
        partitioning: batch.stream.partitioning,
        idx,
        columns: batch.stream.columns,
        shape: rawRowShape(batch.stream.columns),
        rows,
        createdAt,
      });
    }
  }
  const raw = await appendAll(ctx, rawRequests);
  const moved = new Map<string, DeadLetter[]>();
  for (const r of raw) {
    for (const { row, error } of r.rejected) {
      const letter: DeadLetter = {
        stream: r.request.stateName,
        reason: `DuckDB cannot store it as the stream's columns: ${error}`,
        raw: row.raw,
        source: row.source,
        messageId: row.messageId,
        receivedAt: row.receivedAt,
      };
      pushTo(moved, letter.stream, letter);
    }
  }
  const deadRequests: AppendRequest[] = [];
  const allDead: DeadLetter[] = [];
  for (const batch of batches) {
    const letters = [...batch.deadLetters, ...(moved.get(batch.stream.name) ?? [])];
    allDead.push(...letters);
    const byDay = new Map<number, DeadLetter[]>();
    for (const letter of letters) {
      const day = GRAINS.day.index(letter.receivedAt);
      pushTo(byDay, day, letter);
    }
    for (const [idx, list] of byDay) {
      deadRequests.push({
        area: 'dead-letter',
        stateName: batch.stream.deadLetter,
        lakeName: batch.stream.name,
        partitioning: DEAD_LETTER_PARTITIONING,
        idx,
        columns: DEAD_LETTER_COLUMNS,
        shape: plainRowShape(DEAD_LETTER_COLUMNS),
        rows: list.map((d) => ({
          line: JSON.stringify(deadLetterRow(d)),
          eventTime: d.receivedAt,
          messageId: d.messageId,
          receivedAt: d.receivedAt,
          source: d.source,
          raw: d.raw,
        })),
        createdAt,
      });
    }
  }
  const dead = await appendAll(ctx, deadRequests);
  const written = [...raw, ...dead];

  // The streams' checks, on each new raw version before it becomes current.
  const checks: NewCheckResult[] = [];
  const quarantined = new Map<Appended, string>();
  for (const r of raw) {
    const stream = batches.find((b) => b.stream.name === r.request.stateName)?.stream;
    if (!stream || stream.checks.length === 0) continue;
    const outcome = await checkVersion(ctx, stream, r.version, createdAt);
    checks.push(...outcome.results);
    if (outcome.blocking.length > 0)
      quarantined.set(
        r,
        `${outcome.blocking.map(describeFailure).join('; ')}; raw version ${r.version.id} quarantined (see \`pond checks ${stream.name} --failed\`)`,
      );
  }

  const commit: LandingCommit = {
    versions: written.filter((w) => !quarantined.has(w)).map((w) => ({ version: w.version, replaces: w.replaces })),
    quarantined: [...quarantined].map(([w, error]) => ({ version: w.version, error })),
    checks,
    offsets: extras.offsets ?? [],
    messages: extras.rememberMessages
      ? written.flatMap((w) => w.request.rows.map((row) => ({ stream: w.request.stateName, messageId: row.messageId, receivedAt: createdAt })))
      : [],
    activity: batches.map((b) => {
      let events = 0;
      let maxEventTime: number | null = null;
      for (const rows of b.partitions.values()) {
        events += rows.length;
        for (const row of rows) if (maxEventTime === null || row.eventTime > maxEventTime) maxEventTime = row.eventTime;
      }
      const rejected = moved.get(b.stream.name)?.length ?? 0;
      return { stream: b.stream.name, maxEventTime, receivedAt: b.receivedAt, events: events - rejected, deadLetters: b.deadLetters.length + rejected };
    }),
  };
  await ctx.state.commitLanding(commit);
  return {
    accepted: commit.activity.reduce((n, a) => n + a.events, 0),
    deadLetters: allDead,
    partitions: raw.filter((r) => !quarantined.has(r)).map((r) => `${r.request.stateName} ${r.version.key}`),
    versions: written.filter((w) => !quarantined.has(w)).map((w) => w.version),
    quarantined: [...quarantined].map(([w, error]) => ({ stream: w.request.stateName, key: w.version.key, versionId: w.version.id, error })),
  };
}

/** Appends to the list under `key`, creating it; one list per key, however many items (no copy per item). */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function deadLetterRow(d: DeadLetter): Record<string, unknown> {
  // A reason is made to be storable text (event/classify-event.ts), but a messageId is the sender's (a Segment
  // message's may hold a lone surrogate, which is why it is a dead letter): DuckDB would refuse the whole row.
  return {
    stream: d.stream,
    reason: wellFormed(d.reason),
    source: d.source,
    _received_at: new Date(d.receivedAt).toISOString(),
    _message_id: wellFormed(d.messageId),
    _raw: d.raw,
  };
}

interface AppendRequest {
  readonly area: LakeArea;
  readonly stateName: string;
  readonly lakeName: string;
  readonly partitioning: Partitioning;
  readonly idx: number;
  readonly columns: readonly Column[];
  readonly shape: RowShape;
  readonly rows: readonly RawRow[];
  readonly createdAt: number;
}

interface Appended {
  readonly request: AppendRequest;
  readonly version: NewVersion;
  readonly replaces: string | null;
  readonly rejected: readonly { row: RawRow; error: string }[];
}

/** Writes the requests' partitions side by side (their fsyncs overlap). */
async function appendAll(ctx: LandContext, requests: readonly AppendRequest[]): Promise<Appended[]> {
  const out: Appended[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    const session = await ctx.engine.acquire();
    try {
      for (let i = next++; i < requests.length; i = next++) out[i] = await appendVersion(ctx, session, requests[i] as AppendRequest);
    } finally {
      await ctx.engine.release(session);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITERS, requests.length) }, worker));
  return out;
}

async function appendVersion(ctx: LandContext, session: Awaited<ReturnType<Engine['acquire']>>, req: AppendRequest): Promise<Appended> {
  const started = Date.now();
  const key = partitionKey(req.partitioning, req.idx);
  const current = (await ctx.state.currentVersions(req.stateName, req.idx, req.idx + 1))[0];
  const draft = ctx.lake.draft(req.area, req.lakeName, key, partitionPath(req.partitioning, req.idx), req.createdAt);
  const earlier = current?.files ?? [];
  const written = await writePartitionFile(session, {
    rows: req.rows,
    shape: req.shape,
    staged: ctx.lake.stagingPath(),
    compactWith: shouldCompact(earlier, req.columns) ? earlier.map((f) => ctx.lake.locate(f.path)) : [],
  });
  let files: VersionFile[];
  if (written.compacted) {
    files = [await ctx.lake.addFile(draft, 0, written.path, written.rows, req.columns)];
  } else if (written.rows > 0) {
    files = [...earlier, await ctx.lake.addFile(draft, earlier.length, written.path, written.rows, req.columns)];
  } else {
    files = [...earlier];
  }
  const manifest = await ctx.lake.writeManifest(draft, { files, schema: req.columns, codeFingerprint: 'raw', inputs: [], createdAt: req.createdAt });
  const rejected = new Set(written.rejected.map((r) => r.row));
  return {
    request: rejected.size === 0 ? req : { ...req, rows: req.rows.filter((row) => !rejected.has(row)) },
    rejected: written.rejected,
    replaces: current?.versionId ?? null,
    version: {
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
    },
  };
}

/** A partition with this many files is rewritten as one when it grows again. */
export const COMPACT_AT = 16;

/** Only files written with today's columns are merged, so compaction never drops or retypes a column. */
function shouldCompact(earlier: readonly VersionFile[], columns: readonly Column[]): boolean {
  if (earlier.length + 1 < COMPACT_AT) return false;
  const fingerprint = columnsFingerprint(columns);
  return earlier.every((f) => f.columns === fingerprint);
}
