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
 * - 429 / 503 with `Retry-After`: the buffer is full or unavailable; nothing
 *   was stored, so the client sends the same request again.
 */
import { randomUUID } from 'node:crypto';
import type { Log, LogRecord } from '../buffer/index.ts';
import { BufferFullError } from '../buffer/index.ts';
import type { Project, SegmentType, SourceModel } from '../config/index.ts';
import { classifyEvent, messageIdOf, type Verdict } from './classify-event.ts';
import { receiptEncoder } from './envelope.ts';
import { isSegmentType, normalizeSegmentMessage } from './segment.ts';
import { BodyError, splitBody, type BodyFormat } from './split-body.ts';
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
}

interface Outcome {
  readonly records: LogRecord[];
  readonly errors: { index: number; reason: string }[];
  deadLettered: number;
  refused: number;
  readonly receivedAt: number;
  readonly encode: ReturnType<typeof receiptEncoder>;
}

export class Collector {
  readonly keys: WriteKeys;
  private readonly now: () => number;
  private readonly newMessageId: () => string;

  constructor(private readonly options: CollectorOptions) {
    this.keys = new WriteKeys(options.project.collect.sources);
    this.now = options.now ?? Date.now;
    this.newMessageId = options.newMessageId ?? randomUUID;
  }

  /** `POST /v1/streams/:stream/events`: a JSON array, NDJSON, or one JSON object. */
  async native(streamName: string, request: CollectRequest): Promise<CollectAnswer> {
    const receivedAt = this.now();
    const key = this.keys.check(request.headers);
    if ('status' in key) return fail(key.status, key.reason);
    const stream = this.options.project.streams.get(streamName);
    if (!stream) return fail(404, `unknown stream "${streamName}"; streams: ${[...this.options.project.streams.keys()].join(', ')}`);
    if (!key.source.streams.has(streamName)) return fail(403, `the write key of source "${key.source.name}" may not write stream "${streamName}"; add it to collect.sources.${key.source.name}.streams`);
    const format = nativeFormat(header(request.headers, 'content-type'));
    if (format === undefined) return fail(400, `wrong content type "${header(request.headers, 'content-type') ?? '(none)'}": send application/json (an array or one object) or application/x-ndjson`);
    let events;
    try {
      events = splitBody(request.body, { format, maxEventBytes: this.options.project.collect.maxEventBytes, maxDepth: MAX_DEPTH }).events;
    } catch (error) {
      return bodyFailure(error);
    }
    const outcome = this.outcome(receivedAt, key.source, request);
    const skew = this.options.project.collect.maxClockSkewMs;
    for (const event of events) {
      this.add(outcome, event.index, stream.name, messageIdOf(event.value) ?? this.newMessageId(), event.raw, classifyEvent(stream, event.value, receivedAt, skew));
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
    let body: Record<string, unknown>;
    try {
      const split = splitBody(request.body, { format: 'object', maxEventBytes: this.options.project.collect.maxRequestBytes, maxDepth: MAX_DEPTH + 2 });
      const first = split.events[0];
      if (!first || first.notObject) return fail(400, 'the body must be one JSON object');
      body = first.value as Record<string, unknown>;
    } catch (error) {
      return bodyFailure(error);
    }
    const key = this.keys.check(request.headers, body.writeKey);
    if ('status' in key) return fail(key.status, key.reason);
    const targets = key.source.segment;
    if (Object.keys(targets).length === 0) return fail(403, `source "${key.source.name}" has no stream for Segment calls; set collect.sources.${key.source.name}.segment`);
    let items: unknown[];
    if (type === undefined) {
      if (!Array.isArray(body.batch)) return fail(400, 'batch: must be an array of messages');
      items = body.batch;
    } else {
      items = [body];
    }
    const outcome = this.outcome(receivedAt, key.source, request);
    const maxEvent = this.options.project.collect.maxEventBytes;
    const fallbackStream = single(targets);
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        this.segmentFailure(outcome, index, fallbackStream, key.source, JSON.stringify(item) ?? 'null', 'not a JSON object');
        continue;
      }
      const normalized = normalizeSegmentMessage(item as Record<string, unknown>, {
        type,
        batchContext: type === undefined ? (body.context as object | undefined) : undefined,
        batchIntegrations: type === undefined ? (body.integrations as object | undefined) : undefined,
        sentAt: body.sentAt,
        receivedAt,
        newMessageId: this.newMessageId,
      });
      if ('error' in normalized) {
        const itemType = type ?? (item as Record<string, unknown>).type;
        const stream = (isSegmentType(itemType) ? targets[itemType] : undefined) ?? fallbackStream;
        this.segmentFailure(outcome, index, stream, key.source, JSON.stringify(item), normalized.error);
        continue;
      }
      const message = normalized.message;
      const raw = JSON.stringify(message);
      if (Buffer.byteLength(raw) > maxEvent) return fail(413, `${type === undefined ? `batch[${index}]` : 'the message'} is ${Buffer.byteLength(raw)} bytes; the limit is ${maxEvent} (collect.maxEventSize)`);
      const streamName = targets[message.type as SegmentType];
      const stream = streamName === undefined ? undefined : this.options.project.streams.get(streamName);
      if (!stream) {
        outcome.refused++;
        outcome.errors.push({ index, reason: `source "${key.source.name}" has no stream for "${String(message.type)}" calls; nothing was stored` });
        continue;
      }
      const verdict = classifyEvent(stream, message, receivedAt, this.options.project.collect.maxClockSkewMs);
      this.add(outcome, index, stream.name, message.messageId as string, raw, verdict);
    }
    return this.store(outcome, items.length);
  }

  private segmentFailure(outcome: Outcome, index: number, streamName: string | undefined, source: SourceModel, raw: string, reason: string): void {
    if (streamName === undefined) {
      outcome.refused++;
      outcome.errors.push({ index, reason: `${reason}; nothing was stored (source "${source.name}" has no single Segment stream for its dead letters)` });
      return;
    }
    this.add(outcome, index, streamName, this.newMessageId(), raw, { reason });
  }

  private outcome(receivedAt: number, source: SourceModel, request: CollectRequest): Outcome {
    const encode = receiptEncoder({ receivedAt, source: source.name, ip: request.ip, userAgent: header(request.headers, 'user-agent') ?? null });
    return { records: [], errors: [], deadLettered: 0, refused: 0, receivedAt, encode };
  }

  private add(outcome: Outcome, index: number, stream: string, messageId: string, raw: string, verdict: Verdict): void {
    if (verdict.time === undefined) {
      outcome.deadLettered++;
      outcome.errors.push({ index, reason: verdict.reason });
    }
    outcome.records.push({ key: messageId, value: outcome.encode(stream, messageId, verdict.time, verdict.reason, raw), timestamp: outcome.receivedAt });
  }

  private async store(outcome: Outcome, total: number): Promise<CollectAnswer> {
    try {
      if (outcome.records.length > 0) await this.options.log.append(this.options.topic, outcome.records);
    } catch (error) {
      if (error instanceof BufferFullError) {
        return { status: 429, retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)), body: { error: `the buffer is full: ${error.message}; nothing was stored, send the same request again later` } };
      }
      return { status: 503, retryAfterSeconds: 1, body: { error: `the buffer is unavailable: ${(error as Error).message}; nothing was stored, send the same request again later` } };
    }
    const accepted = total - outcome.deadLettered - outcome.refused;
    return { status: 200, body: { accepted, deadLettered: outcome.deadLettered, refused: outcome.refused, errors: outcome.errors } };
  }
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
