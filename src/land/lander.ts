/**
 * The lander: the consumer group that moves buffered events into the lake.
 * Every second or so (sooner when a batch is full) it reads from its offsets,
 * drops messageIds it has landed before (client retries), routes the rest by
 * event time, writes Parquet and commits the new versions together with the
 * next offsets in one state transaction. After a crash it starts again from
 * the committed offsets: what was written but not committed is written
 * again, and what was committed is never read twice.
 *
 * The events of streams with personal data come out of the buffer protected
 * by the collector (event/envelope.ts), and land as they are; those of a
 * buffer written before the collector protected them are protected here.
 */
import { protectsPersonalData, type LandSettings, type Project } from '../config/index.ts';
import { decodeEnvelope, EVENTS_TOPIC, type Envelope } from '../event/index.ts';
import type { Log, StoredRecord } from '../buffer/index.ts';
import type { ConsumerOffset } from '../state/index.ts';
import { landBatches, type LandContext, type LandResult, type StreamBatch } from './land-batch.ts';
import { rawRow } from './raw-row.ts';
import { addRow } from './route-events.ts';

/** Events handled between two turns of the event loop, so that a big batch never holds up the collector's requests for long. */
const YIELD_EVERY = 2048;
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));
export const LAND_GROUP = 'land';

export interface LanderContext extends LandContext {
  readonly project: Project;
  readonly log: Log;
}

export interface LandSummary {
  readonly records: number;
  readonly accepted: number;
  readonly deadLetters: number;
  readonly duplicates: number;
  /** Records of streams the project no longer declares; skipped. */
  readonly unknown: number;
  /** `stream key` of each raw partition that got a new version. */
  readonly partitions: readonly string[];
  /** Raw versions the streams' `error` checks quarantined. */
  readonly quarantined: LandResult['quarantined'];
  /** Oldest receipt in the batch, for landing lag. */
  readonly oldestReceivedAt: number | null;
  /** Per stream of the project: records of the batch (dead letters and duplicates too) and the oldest receipt among them. */
  readonly streams: Readonly<Record<string, { readonly records: number; readonly oldestReceivedAt: number }>>;
  /** When the batch was committed (ms): receipt to this is the landing latency. */
  readonly landedAt: number;
  readonly ms: number;
}

export class Lander {
  private readonly offsets = new Map<number, number>();
  private lastLanded = 0;
  private lastHousekeeping = 0;

  constructor(
    private readonly ctx: LanderContext,
    private readonly settings: LandSettings = ctx.project.land,
    private readonly topic = EVENTS_TOPIC,
    private readonly group = LAND_GROUP,
  ) {}

  /**
   * Reads the committed offsets; call once before landing. Returns the
   * partitions whose committed offset lies past the end of the buffer (the
   * buffer folder was replaced): those are read from the buffer's start, and
   * dedup by messageId keeps what was landed before from landing twice.
   */
  async init(): Promise<number[]> {
    const committed = await this.ctx.state.consumerOffsets(this.group);
    const reset: number[] = [];
    for (let p = 0; p < this.ctx.log.partitionCount(this.topic); p++) {
      const found = committed.find((o) => o.topic === this.topic && o.partition === p)?.offset ?? 0;
      const start = this.ctx.log.startOffset(this.topic, p);
      if (found > this.ctx.log.endOffset(this.topic, p)) {
        reset.push(p);
        this.offsets.set(p, start);
      } else {
        this.offsets.set(p, Math.max(found, start));
      }
    }
    // The buffer's copy of the offsets may lag the state's (a crash between the two commits): bring
    // it up to date, and free what was consumed, so a buffer that was full when Pond stopped takes writes again.
    await this.ctx.log.commit(
      this.group,
      [...this.offsets].map(([partition, offset]) => ({ topic: this.topic, partition, offset })),
    );
    await this.ctx.log.applyRetention();
    return reset;
  }

  /** Durable records not yet landed. */
  pending(): number {
    let n = 0;
    for (const [p, offset] of this.offsets) n += this.ctx.log.endOffset(this.topic, p) - offset;
    return n;
  }

  /** Lands one batch of what is pending; undefined when nothing was. */
  async landOnce(): Promise<LandSummary | undefined> {
    const started = Date.now();
    const perPartition = Math.max(1, Math.ceil(this.settings.maxBatch / this.offsets.size));
    const envelopes: Envelope[] = [];
    const next: ConsumerOffset[] = [];
    for (const [p, offset] of this.offsets) {
      const records = await this.ctx.log.read(this.topic, p, offset, { maxRecords: perPartition, maxBytes: 64 * 1024 * 1024 });
      if (records.length === 0) continue;
      for (let i = 0; i < records.length; i++) {
        envelopes.push(decodeEnvelope((records[i] as StoredRecord).value));
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToRequests();
      }
      next.push({ group: this.group, topic: this.topic, partition: p, offset: (records[records.length - 1]?.offset ?? offset) + 1 });
    }
    if (next.length === 0) return undefined;

    const { batches, duplicates, unknown } = await this.sort(envelopes);
    const result = await landBatches(this.ctx, batches, started, { offsets: next, rememberMessages: true });
    for (const o of next) this.offsets.set(o.partition, o.offset);
    this.lastLanded = Date.now();
    // The buffer's own copy of the offsets only allows retention; the state's copy is the truth.
    await this.ctx.log.commit(
      this.group,
      next.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
    );
    let oldest: number | null = null;
    const streams = new Map<string, { records: number; oldestReceivedAt: number }>();
    for (const e of envelopes) {
      if (oldest === null || e.receivedAt < oldest) oldest = e.receivedAt;
      if (!this.ctx.project.streams.has(e.stream)) continue;
      let s = streams.get(e.stream);
      if (!s) streams.set(e.stream, (s = { records: 0, oldestReceivedAt: e.receivedAt }));
      s.records++;
      if (e.receivedAt < s.oldestReceivedAt) s.oldestReceivedAt = e.receivedAt;
    }
    return {
      records: envelopes.length,
      accepted: result.accepted,
      deadLetters: result.deadLetters.length,
      duplicates,
      unknown,
      partitions: result.partitions,
      quarantined: result.quarantined,
      oldestReceivedAt: oldest,
      streams: Object.fromEntries(streams),
      landedAt: this.lastLanded,
      ms: Date.now() - started,
    };
  }

  /** Groups envelopes by stream, without the messageIds landed before or repeated in the batch. */
  private async sort(envelopes: readonly Envelope[]): Promise<{ batches: StreamBatch[]; duplicates: number; unknown: number }> {
    const byNamespace = new Map<string, Envelope[]>();
    let duplicates = 0;
    let unknown = 0;
    for (const e of envelopes) {
      const stream = this.ctx.project.streams.get(e.stream);
      if (!stream) {
        unknown++;
        continue;
      }
      // A message dead-lettered once may come back fixed: dead letters dedup on their own.
      const namespace = isDeadLetter(e) ? stream.deadLetter : stream.name;
      let list = byNamespace.get(namespace);
      if (!list) byNamespace.set(namespace, (list = []));
      list.push(e);
    }
    const batches = new Map<string, StreamBatch>();
    for (const [namespace, list] of byNamespace) {
      // Looked up in slices, each a short synchronous stretch on SQLite, so requests are served in between.
      const landed = new Set<string>();
      for (let i = 0; i < list.length; i += YIELD_EVERY) {
        for (const id of await this.ctx.state.landedMessages(
          namespace,
          list.slice(i, i + YIELD_EVERY).map((e) => e.messageId),
        ))
          landed.add(id);
        await yieldToRequests();
      }
      const seen = new Set<string>();
      for (let i = 0; i < list.length; i++) {
        const e = list[i] as Envelope;
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToRequests();
        if (landed.has(e.messageId) || seen.has(e.messageId)) {
          duplicates++;
          continue;
        }
        seen.add(e.messageId);
        const stream = this.ctx.project.streams.get(e.stream)!;
        let batch = batches.get(stream.name);
        if (!batch) batches.set(stream.name, (batch = { stream, partitions: new Map(), deadLetters: [], receivedAt: e.receivedAt }));
        if (e.receivedAt > batch.receivedAt) (batch as { receivedAt: number }).receivedAt = e.receivedAt;
        const protection = e.protected ? { subject: e.protected.subject } : undefined;
        if (isDeadLetter(e)) {
          batch.deadLetters.push({
            stream: stream.name,
            reason: e.deadLetter ?? 'no event time',
            raw: e.raw,
            source: e.source,
            messageId: e.messageId,
            receivedAt: e.receivedAt,
            ...(protection && { protection }),
          });
        } else {
          const receipt = {
            raw: e.raw,
            eventTime: e.eventTime as number,
            receivedAt: e.receivedAt,
            messageId: e.messageId,
            source: e.source,
            ip: e.ip ?? null,
            userAgent: e.userAgent ?? null,
          };
          addRow(batch, rawRow(protection ? { ...receipt, event: e.protected?.event, protection } : receipt, protectsPersonalData(stream.pii)));
        }
      }
    }
    return { batches: [...batches.values()], duplicates, unknown };
  }

  /**
   * Lands until `signal` aborts: when a batch is full, or when events wait and
   * the interval has passed since the last landing. Failures are reported and
   * retried with backoff; the offsets only move when a batch is committed.
   */
  async run(signal: AbortSignal, report: { landed?: (s: LandSummary) => void; failed?: (error: Error, retryInMs: number) => void } = {}): Promise<void> {
    let backoff = 0;
    while (!signal.aborted) {
      try {
        const pending = this.pending();
        const due = this.lastLanded + this.settings.intervalMs - Date.now();
        if (pending === 0 || (pending < this.settings.maxBatch && due > 0)) {
          await this.waitForRecords(pending === 0 ? 1000 : due, signal);
          continue;
        }
        const summary = await this.landOnce();
        backoff = 0;
        if (summary) report.landed?.(summary);
        await this.housekeeping();
      } catch (error) {
        backoff = Math.min(30_000, backoff === 0 ? 500 : backoff * 2);
        report.failed?.(error as Error, backoff);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  }

  private async waitForRecords(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const sinceNow = [...this.offsets].map(([p, offset]) =>
        this.ctx.log.waitFor(this.topic, p, offset + Math.max(0, this.ctx.log.endOffset(this.topic, p) - offset), timeoutMs, stop.signal),
      );
      // A closed buffer rejects every wait; the first rejection is `run`'s to back off on, the others are the same news.
      for (const wait of sinceNow) wait.catch(() => undefined);
      await Promise.race(sinceNow);
    } finally {
      stop.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * After every batch, free the buffer segments every group has consumed (the
   * buffer's bound counts what it holds, so consumed segments must go soon);
   * once a minute, forget messageIds past the dedup window.
   */
  private async housekeeping(): Promise<void> {
    await this.ctx.log.applyRetention();
    const now = Date.now();
    if (now - this.lastHousekeeping < 60_000) return;
    this.lastHousekeeping = now;
    await this.ctx.state.forgetLandedMessages(now - this.settings.dedupWindowMs);
  }
}

/** Bound for the dead letters: the collector said why, or (never from the collector) there is no event time to route by. */
function isDeadLetter(e: Envelope): boolean {
  return e.deadLetter !== undefined || e.eventTime === undefined;
}
