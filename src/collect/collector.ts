/**
 * The collector's answer to one request, independent of HTTP plumbing: check
 * the write key, split the body into events, give each its verdict, put them
 * all in the buffer, and say 200 only once every one of them is durable there.
 *
 * Answers:
 * - 200 `{ accepted, deadLettered, errors: [{ index, reason }] }`: every event
 *   is durable; those in `errors` went to the dead letters (or, for a Segment
 *   call with no stream for its type, were refused) and say why.
 * - 400 the request cannot be used as sent (not UTF-8, not JSON, wrong
 *   content type, nesting too deep); a retry cannot help.
 * - 401 missing or unknown write key; 403 the key may not write that stream;
 *   404 unknown stream.
 * - 413 an event or the request is over its size limit.
 * - 429 / 503 with `Retry-After`: the buffer is full or unavailable (or the
 *   keys to protect personal data with are); nothing was stored, so the
 *   client sends the same request again.
 *
 * The events of a stream with personal data go to the buffer protected
 * (protect-request.ts): what the buffer holds of them is what the lake will.
 */
import { randomUUID } from 'node:crypto';
import type { Log, LogRecord } from '../buffer/index.ts';
import { BufferFullError } from '../buffer/index.ts';
import { protectsPersonalData, type Project, type SegmentType, type SourceModel, type StreamModel } from '../config/index.ts';
import { didYouMean, PondError, withoutServerPaths } from '../errors/index.ts';
import { reasonWithoutExcerpts, type SubjectKeyRing } from '../privacy/index.ts';
import { classifyEvent, messageIdOf, receiptEncoder, type EnvelopeEncoder, type Verdict } from '../event/index.ts';
import { requestMessageIds } from './message-ids.ts';
import { protectRequest, type CollectedEvent } from './protect-request.ts';
import type { StreamTail } from './stream-tail.ts';
import { isSegmentType, normalizeSegmentMessage } from './segment.ts';
import { batchItemTexts, BodyError, splitBody, type BodyFormat } from './split-body.ts';
import { WriteKeys } from './write-keys.ts';

export const MAX_DEPTH = 64;

export interface CollectRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly ip: string | null;
}

export interface CollectAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly retryAfterSeconds?: number;
}

export interface CollectorOptions {
  readonly project: Project;
  readonly log: Log;
  readonly topic: string;
  readonly now?: () => number;
  readonly newMessageId?: () => string;
  /**
   * The data subjects' keys, opened on first use: required when a stream has
   * personal data, whose events are protected before the buffer. Never
   * called for a project without any.
   */
  readonly keyRing?: () => Promise<SubjectKeyRing>;
  /** Keeps the last events of each stream for live tails (see stream-tail.ts); each durable event is handed to it. */
  readonly tail?: StreamTail;
}

/** An event of a stream with personal data, waiting to be protected with the others of its request. */
interface Unprotected extends CollectedEvent {
  /** Its place in `Outcome.records`. */
  readonly at: number;
  readonly messageId: string;
  readonly eventTime: number | undefined;
}

interface Outcome {
  /** In request order; a hole where an event waits in `unprotected`. */
  readonly records: (LogRecord | undefined)[];
  /** The stream of each of `records`. */
  readonly streams: string[];
  readonly unprotected: Unprotected[];
  readonly errors: { index: number; reason: string }[];
  deadLettered: number;
  refused: number;
  readonly receivedAt: number;
  readonly ip: string | null;
  readonly encode: EnvelopeEncoder;
}

export class Collector {
  readonly keys: WriteKeys;
  private readonly now: () => number;
  private readonly newMessageId: () => string;

  constructor(private readonly options: CollectorOptions) {
    this.keys = new WriteKeys(options.project.collect.sources);
    this.now = options.now ?? Date.now;
    this.newMessageId = options.newMessageId ?? randomUUID;
    const personal = [...options.project.streams.values()].find((s) => protectsPersonalData(s.pii));
    if (personal && !options.keyRing) {
      throw new PondError('INTERNAL', `stream "${personal.name}" holds personal data, and this collector has no keys to protect it with`, {
        hint: 'give the collector the key ring (CollectorOptions.keyRing), as the lander gets it',
      });
    }
  }

  /** `POST /v1/streams/:stream/events`: a JSON array, NDJSON, or one JSON object. */
  async native(streamName: string, request: CollectRequest): Promise<CollectAnswer> {
    const receivedAt = this.now();
    const key = this.keys.check(request.headers);
    if ('status' in key) return fail(key.status, key.reason);
    const stream = this.options.project.streams.get(streamName);
    if (!stream) {
      const names = [...this.options.project.streams.keys()];
      return fail(404, `unknown stream "${streamName}"${didYouMean(streamName, names)}; streams: ${names.join(', ')}`);
    }
    if (!key.source.streams.has(streamName))
      return fail(
        403,
        `the write key of source "${key.source.name}" may not write stream "${streamName}"; add it to collect.sources.${key.source.name}.streams`,
      );
    const format = nativeFormat(header(request.headers, 'content-type'));
    if (format === undefined)
      return fail(
        400,
        `wrong content type "${header(request.headers, 'content-type') ?? '(none)'}": send application/json (an array or one object) or application/x-ndjson`,
      );
    const ids = requestMessageIds(request.headers);
    if ('error' in ids) return fail(400, ids.error);
    let events;
    try {
      events = splitBody(request.body, { format, maxEventBytes: this.options.project.collect.maxEventBytes, maxDepth: MAX_DEPTH }).events;
    } catch (error) {
      return bodyFailure(error);
    }
    const outcome = this.outcome(receivedAt, key.source, request);
    const skew = this.options.project.collect.maxClockSkewMs;
    for (const event of events) {
      this.add(
        outcome,
        event.index,
        stream,
        messageIdOf(event.value) ?? ids.messageIdOf(event.index) ?? this.newMessageId(),
        event.raw,
        event.value,
        classifyEvent(stream, event.value, receivedAt, skew, event.raw),
        true,
      );
    }
    return this.store(outcome, events.length);
  }

  /** `POST /v1/batch` (type = undefined) and the single calls `/v1/track` … `/v1/alias`. */
  async segment(type: SegmentType | undefined, request: CollectRequest): Promise<CollectAnswer> {
    const receivedAt = this.now();
    const contentType = header(request.headers, 'content-type');
    if (contentType !== undefined && !/^(application\/json|text\/plain)\b/i.test(contentType)) {
      return fail(400, `wrong content type "${contentType}": send application/json`);
    }
    const ids = requestMessageIds(request.headers);
    if ('error' in ids) return fail(400, ids.error);
    let body: Record<string, unknown>;
    let bodyText: string;
    try {
      const split = splitBody(request.body, { format: 'object', maxEventBytes: this.options.project.collect.maxRequestBytes, maxDepth: MAX_DEPTH + 2 });
      const first = split.events[0];
      if (!first || first.notObject) return fail(400, 'the body must be one JSON object');
      body = first.value as Record<string, unknown>;
      bodyText = first.raw;
    } catch (error) {
      return bodyFailure(error);
    }
    const key = this.keys.check(request.headers, body.writeKey);
    if ('status' in key) return fail(key.status, key.reason);
    const targets = key.source.segment;
    if (Object.keys(targets).length === 0)
      return fail(403, `source "${key.source.name}" has no stream for Segment calls; set collect.sources.${key.source.name}.segment`);
    let items: unknown[];
    /** Each message as sent, for those that fail Segment's checks (made only when one does). */
    let texts: () => readonly (string | undefined)[];
    if (type === undefined) {
      if (!Array.isArray(body.batch)) return fail(400, 'batch: must be an array of messages');
      items = body.batch;
      let found: readonly (string | undefined)[] | undefined;
      texts = () => (found ??= batchItemTexts(request.body) ?? []);
    } else {
      items = [body];
      texts = () => [bodyText];
    }
    const outcome = this.outcome(receivedAt, key.source, request);
    const maxEvent = this.options.project.collect.maxEventBytes;
    const fallbackStream = single(targets);
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      // A message that fails Segment's checks keeps the client's messageId and the bytes it sent, as a native event does.
      const sent = () => texts()[index] ?? JSON.stringify(item) ?? 'null';
      const idOf = () => messageIdOf(item) ?? ids.messageIdOf(index) ?? this.newMessageId();
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        this.segmentFailure(outcome, index, fallbackStream, key.source, idOf(), sent(), item, 'not a JSON object');
        continue;
      }
      const normalized = normalizeSegmentMessage(item as Record<string, unknown>, {
        type,
        batchContext: type === undefined ? (body.context as object | undefined) : undefined,
        batchIntegrations: type === undefined ? (body.integrations as object | undefined) : undefined,
        sentAt: body.sentAt,
        receivedAt,
        newMessageId: () => ids.messageIdOf(index) ?? this.newMessageId(),
      });
      if ('error' in normalized) {
        const itemType = type ?? (item as Record<string, unknown>).type;
        const stream = (isSegmentType(itemType) ? targets[itemType] : undefined) ?? fallbackStream;
        this.segmentFailure(outcome, index, stream, key.source, idOf(), sent(), item, normalized.error);
        continue;
      }
      const message = normalized.message;
      const raw = JSON.stringify(message);
      if (Buffer.byteLength(raw) > maxEvent)
        return fail(
          413,
          `${type === undefined ? `batch[${index}]` : 'the message'} is ${Buffer.byteLength(raw)} bytes; the limit is ${maxEvent} (collect.maxEventSize)`,
        );
      const streamName = targets[message.type as SegmentType];
      const stream = streamName === undefined ? undefined : this.options.project.streams.get(streamName);
      if (!stream) {
        outcome.refused++;
        outcome.errors.push({ index, reason: `source "${key.source.name}" has no stream for "${String(message.type)}" calls; nothing was stored` });
        continue;
      }
      const verdict = classifyEvent(stream, message, receivedAt, this.options.project.collect.maxClockSkewMs, raw);
      this.add(outcome, index, stream, message.messageId as string, raw, message, verdict, true);
    }
    return this.store(outcome, items.length);
  }

  private segmentFailure(
    outcome: Outcome,
    index: number,
    streamName: string | undefined,
    source: SourceModel,
    messageId: string,
    raw: string,
    value: unknown,
    reason: string,
  ): void {
    const stream = streamName === undefined ? undefined : this.options.project.streams.get(streamName);
    // Segment's checks quote the values they fail on (userId, context …): in a stream with personal data the answer quotes none of them.
    const told = stream !== undefined && protectsPersonalData(stream.pii) ? reasonWithoutExcerpts(reason, raw) : reason;
    if (stream === undefined) {
      outcome.refused++;
      outcome.errors.push({ index, reason: `${told}; nothing was stored (source "${source.name}" has no single Segment stream for its dead letters)` });
      return;
    }
    this.add(outcome, index, stream, messageId, raw, value, { reason: told }, true);
  }

  private outcome(receivedAt: number, source: SourceModel, request: CollectRequest): Outcome {
    const encode = receiptEncoder({ receivedAt, source: source.name, ip: request.ip, userAgent: header(request.headers, 'user-agent') ?? null });
    return { records: [], streams: [], unprotected: [], errors: [], deadLettered: 0, refused: 0, receivedAt, ip: request.ip, encode };
  }

  /** `reasonMasked`: the verdict's reason quotes no personal value (see protect-request.ts). */
  private add(
    outcome: Outcome,
    index: number,
    stream: StreamModel,
    messageId: string,
    raw: string,
    value: unknown,
    verdict: Verdict,
    reasonMasked: boolean,
  ): void {
    if (verdict.time === undefined) {
      outcome.deadLettered++;
      outcome.errors.push({ index, reason: verdict.reason });
    }
    outcome.streams.push(stream.name);
    if (protectsPersonalData(stream.pii)) {
      outcome.unprotected.push({
        at: outcome.records.length,
        stream,
        messageId,
        raw,
        value,
        eventTime: verdict.time,
        deadLetter: verdict.reason,
        reasonMasked,
      });
      outcome.records.push(undefined);
      return;
    }
    outcome.records.push({ key: messageId, value: outcome.encode(stream.name, messageId, verdict.time, verdict.reason, raw), timestamp: outcome.receivedAt });
  }

  /** Fills the holes of `records` with the protected events; an event left out by the `'drop'` policy leaves its hole. */
  private async protect(outcome: Outcome): Promise<void> {
    const ring = await (this.options.keyRing as () => Promise<SubjectKeyRing>)();
    const guarded = await protectRequest(ring, outcome.unprotected, outcome.ip);
    for (const [i, e] of outcome.unprotected.entries()) {
      const g = guarded[i];
      if (g)
        outcome.records[e.at] = {
          key: e.messageId,
          value: outcome.encode(e.stream.name, e.messageId, e.eventTime, g.deadLetter, g.text),
          timestamp: outcome.receivedAt,
        };
    }
  }

  private async store(outcome: Outcome, total: number): Promise<CollectAnswer> {
    if (outcome.unprotected.length > 0) {
      try {
        await this.protect(outcome);
      } catch (error) {
        return {
          status: 503,
          retryAfterSeconds: 1,
          body: {
            error: `cannot protect the personal data of the events: ${withoutServerPaths((error as Error).message)}; nothing was stored, send the same request again later`,
          },
        };
      }
    }
    const records = outcome.unprotected.length > 0 ? outcome.records.filter((r): r is LogRecord => r !== undefined) : (outcome.records as LogRecord[]);
    try {
      if (records.length > 0) await this.options.log.append(this.options.topic, records);
    } catch (error) {
      if (error instanceof BufferFullError) {
        return {
          status: 429,
          retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)),
          body: { error: `the buffer is full: ${error.message}; nothing was stored, send the same request again later` },
        };
      }
      return {
        status: 503,
        retryAfterSeconds: 1,
        body: { error: `the buffer is unavailable: ${withoutServerPaths((error as Error).message)}; nothing was stored, send the same request again later` },
      };
    }
    if (this.options.tail) show(this.options.tail, outcome);
    const accepted = total - outcome.deadLettered - outcome.refused;
    return { status: 200, body: { accepted, deadLettered: outcome.deadLettered, refused: outcome.refused, errors: outcome.errors } };
  }
}

/** Hands the request's durable events to the live tails, and wakes their readers once per stream. */
function show(tail: StreamTail, outcome: Outcome): void {
  let last: string | undefined;
  const touched: string[] = [];
  for (let i = 0; i < outcome.records.length; i++) {
    const record = outcome.records[i];
    if (!record) continue; // left out by the 'drop' policy
    const stream = outcome.streams[i] as string;
    tail.add(stream, record.value);
    if (stream !== last && !touched.includes(stream)) touched.push(stream);
    last = stream;
  }
  for (const stream of touched) tail.notify(stream);
}

function fail(status: number, reason: string): CollectAnswer {
  return { status, body: { error: reason } };
}

function bodyFailure(error: unknown): CollectAnswer {
  if (error instanceof BodyError) return fail(error.status, error.reason);
  throw error;
}

function header(headers: CollectRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** JSON (array or one object) or NDJSON; text/plain too, which browsers may send without a CORS preflight. */
function nativeFormat(contentType: string | undefined): BodyFormat | undefined {
  if (contentType === undefined) return undefined;
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json' || type === 'text/plain') return 'auto';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  return undefined;
}

/** The stream every Segment type goes to, when the source has only one. */
function single(targets: Readonly<Partial<Record<SegmentType, string>>>): string | undefined {
  const streams = new Set(Object.values(targets));
  return streams.size === 1 ? [...streams][0] : undefined;
}
