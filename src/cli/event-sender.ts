/**
 * Sends events to a collector in NDJSON batches, the way a well-behaved
 * client should: batches under the request limit, a few requests in flight,
 * and every answer a retry can fix (429, 503, other 5xx, a lost connection)
 * retried with backoff — honouring Retry-After — until it is a 200. A batch
 * answered 413 is split until the event that is too large stands alone.
 *
 * Each event is numbered (`pond send` numbers them by their line in the
 * file), and with an idempotency key every request names its events' ids:
 * `Idempotency-Key: K` and `X-Pond-First-Index: n` give the event numbered
 * `n + i` the messageId `K:(n + i)` (see collect/message-ids.ts). A batch is
 * a run of consecutive numbers, so a retry, a split and a second sending of
 * the same events name each one the same, and it lands once.
 */
import { FIRST_INDEX_HEADER, IDEMPOTENCY_KEY_HEADER } from '../collect/index.ts';
import type { Project } from '../config/index.ts';
import { PondError } from '../errors/index.ts';

/** A write key, and whether the stream takes it as Segment calls (`/v1/batch`) rather than through its own endpoint. */
export interface StreamAccess {
  readonly writeKey: string;
  readonly segment: boolean;
}

/**
 * The first source that may write `stream` through its own endpoint, else
 * the first whose Segment calls go to it; undefined when none may.
 */
export function accessFor(project: Project, stream: string, options: { segmentOnly?: boolean } = {}): StreamAccess | undefined {
  const native = options.segmentOnly ? undefined : project.collect.sources.find((s) => s.streams.has(stream));
  if (native) return { writeKey: native.writeKey, segment: false };
  const viaSegment = project.collect.sources.find((s) => Object.values(s.segment).includes(stream));
  return viaSegment && { writeKey: viaSegment.writeKey, segment: true };
}

/** The ids of a request's events: the event at index `i` is `${key}:${first + i}`. */
export interface RequestIds {
  readonly key: string;
  readonly first: number;
}

/** One request carrying `lines` (events as JSON text) to a collector: NDJSON to the stream's endpoint, or a Segment batch. */
export function postEvents(url: string, stream: string, access: StreamAccess, lines: readonly string[], ids?: RequestIds): Promise<Response> {
  const named: Record<string, string> = ids ? { [IDEMPOTENCY_KEY_HEADER]: ids.key, [FIRST_INDEX_HEADER]: String(ids.first) } : {};
  if (access.segment) {
    return fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${access.writeKey}:`).toString('base64')}`, ...named },
      body: `{"batch":[${lines.join(',')}],"sentAt":${JSON.stringify(new Date().toISOString())}}`,
    });
  }
  return fetch(`${url}/v1/streams/${encodeURIComponent(stream)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', 'x-pond-write-key': access.writeKey, ...named },
    body: `${lines.join('\n')}\n`,
  });
}

/** How long `checkCollector` waits for an answer. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Fails fast, naming the URL, when no Pond collector answers at `url` — rather
 * than retrying a connection that nobody will take.
 *
 * @example
 * await checkCollector('http://127.0.0.1:8080'); // throws when nothing listens there
 */
export async function checkCollector(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : cause === 'ECONNREFUSED'
          ? 'connection refused'
          : cause === 'ENOTFOUND'
            ? 'no such host'
            : (cause ?? (error as Error).message);
    throw new PondError('BAD_ARGUMENT', `no Pond collector answers at ${url} (${why})`, {
      hint: 'start one with `pond up` in the project, or pass --url with the address of a running one',
    });
  }
  const body = (await response.json().catch(() => undefined)) as { ok?: unknown } | undefined;
  if (response.status !== 200 || body?.ok !== true) {
    throw new PondError('BAD_ARGUMENT', `${url} answers, but not as a Pond collector (GET /healthz: ${response.status})`, {
      hint: 'pass --url with the address `pond up` printed ("collecting on …")',
    });
  }
}

export interface SendOptions {
  readonly url: string;
  readonly stream: string;
  readonly writeKey: string;
  /** Send as Segment calls to `/v1/batch` (for a source's Segment stream) instead of to the stream's native endpoint. */
  readonly segment?: boolean;
  /** Most events per request. Default 500. */
  readonly batchEvents?: number;
  /** Most bytes per request. Default 450 KB (under the collector's default 500 KB). */
  readonly batchBytes?: number;
  /** Requests in flight. Default 4. */
  readonly concurrency?: number;
  /** Attempts per request before giving up. Default 10. */
  readonly attempts?: number;
  /** Names the events' ids (see the header); without it the collector makes random ones, and sending twice lands twice. */
  readonly idempotencyKey?: string;
  /** What an event's number is, in reasons: `line` (NDJSON, 1-based) or `index` (a JSON array). Default `line`. */
  readonly numbering?: 'line' | 'index';
}

export interface SendTotals {
  events: number;
  accepted: number;
  deadLettered: number;
  /** Events the collector would not take at all (400/401/403/404/413), with why. */
  refused: number;
  requests: number;
  retries: number;
  reasons: string[];
}

interface Answer {
  accepted?: number;
  deadLettered?: number;
  refused?: number;
  errors?: { index: number; reason: string }[];
  error?: string;
}

export class EventSender {
  readonly totals: SendTotals = { events: 0, accepted: 0, deadLettered: 0, refused: 0, requests: 0, retries: 0, reasons: [] };
  private batch: string[] = [];
  private batchBytes = 0;
  /** The number of the batch's first event. */
  private batchFirst = 0;
  /** The number an event added without one gets: the one after the last. */
  private nextNumber = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private fatal: Error | undefined;

  constructor(private readonly options: SendOptions) {}

  /**
   * Queues one event (its JSON text) with its number (its line; by default
   * the one after the last); resolves when there is room for more.
   */
  async add(line: string, number = this.nextNumber): Promise<void> {
    if (this.fatal) throw this.fatal;
    const bytes = Buffer.byteLength(line) + 1;
    const full = this.batch.length >= (this.options.batchEvents ?? 500) || this.batchBytes + bytes > (this.options.batchBytes ?? 450 * 1024);
    // A gap in the numbers (a blank or unreadable line) ends the batch: a request's ids are consecutive.
    if (this.batch.length > 0 && (full || number !== this.batchFirst + this.batch.length)) await this.flush();
    if (this.batch.length === 0) this.batchFirst = number;
    this.nextNumber = number + 1;
    this.batch.push(line);
    this.batchBytes += bytes;
  }

  /** Notes a reason for the summary (the first 20 are kept). */
  note(reason: string): void {
    if (this.totals.reasons.length < 20) this.totals.reasons.push(reason);
  }

  /** Sends what is queued and waits for every request. */
  async finish(): Promise<SendTotals> {
    await this.flush();
    await Promise.all(this.inFlight);
    if (this.fatal) throw this.fatal;
    return this.totals;
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const lines = this.batch;
    const first = this.batchFirst;
    this.batch = [];
    this.batchBytes = 0;
    while (this.inFlight.size >= (this.options.concurrency ?? 4)) await Promise.race(this.inFlight);
    const request = this.send(lines, first).catch((error: Error) => {
      this.fatal ??= error;
    });
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }

  private async send(lines: readonly string[], first: number): Promise<void> {
    const attempts = this.options.attempts ?? 10;
    const key = this.options.idempotencyKey;
    const at = (index: number) => `${this.options.numbering ?? 'line'} ${first + index}`;
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let answer: Answer = {};
      let retryAfter = 0;
      try {
        this.totals.requests++;
        const response = await postEvents(
          this.options.url,
          this.options.stream,
          { writeKey: this.options.writeKey, segment: this.options.segment === true },
          lines,
          key === undefined ? undefined : { key, first },
        );
        status = response.status;
        answer = (await response.json().catch(() => ({}))) as Answer;
        retryAfter = Number(response.headers.get('retry-after') ?? 0) * 1000;
      } catch (error) {
        status = 0;
        answer = { error: (error as Error).message };
      }
      if (status === 200) {
        this.totals.events += lines.length;
        this.totals.accepted += answer.accepted ?? 0;
        this.totals.deadLettered += answer.deadLettered ?? 0;
        this.totals.refused += answer.refused ?? 0;
        for (const e of answer.errors ?? []) this.note(`${at(e.index)}: ${e.reason}`);
        return;
      }
      if (status === 413 && lines.length > 1) {
        const half = Math.ceil(lines.length / 2);
        await this.send(lines.slice(0, half), first);
        await this.send(lines.slice(half), first + half);
        return;
      }
      if (status === 401 || status === 403 || status === 404) throw new Error(`the collector refused the events (${status}): ${answer.error ?? ''}`);
      if (status === 400 || status === 413) {
        this.totals.events += lines.length;
        this.totals.refused += lines.length;
        this.note(`${lines.length === 1 ? at(0) : `${at(0)} to ${first + lines.length - 1}`}: refused (${status}): ${answer.error ?? ''}`);
        return;
      }
      if (attempt >= attempts) throw new Error(`gave up after ${attempts} attempts; last answer ${status || 'none'}: ${answer.error ?? ''}`);
      this.totals.retries++;
      const backoff = Math.max(retryAfter, Math.min(10_000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}
