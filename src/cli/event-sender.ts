/**
 * Sends events to a collector in NDJSON batches, the way a well-behaved
 * client should: batches under the request limit, a few requests in flight,
 * and every answer a retry can fix (429, 503, other 5xx, a lost connection)
 * retried with backoff — honouring Retry-After — until it is a 200. A batch
 * answered 413 is split until the event that is too large stands alone.
 */
import type { Project } from '../config/index.ts';

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

/** One request carrying `lines` (events as JSON text) to a collector: NDJSON to the stream's endpoint, or a Segment batch. */
export function postEvents(url: string, stream: string, access: StreamAccess, lines: readonly string[]): Promise<Response> {
  if (access.segment) {
    return fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${access.writeKey}:`).toString('base64')}` },
      body: `{"batch":[${lines.join(',')}],"sentAt":${JSON.stringify(new Date().toISOString())}}`,
    });
  }
  return fetch(`${url}/v1/streams/${encodeURIComponent(stream)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', 'x-pond-write-key': access.writeKey },
    body: `${lines.join('\n')}\n`,
  });
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
  private readonly inFlight = new Set<Promise<void>>();
  private fatal: Error | undefined;

  constructor(private readonly options: SendOptions) {}

  /** Queues one event (its JSON text); resolves when there is room for more. */
  async add(line: string): Promise<void> {
    if (this.fatal) throw this.fatal;
    const bytes = Buffer.byteLength(line) + 1;
    if (this.batch.length > 0 && (this.batch.length >= (this.options.batchEvents ?? 500) || this.batchBytes + bytes > (this.options.batchBytes ?? 450 * 1024)))
      await this.flush();
    this.batch.push(line);
    this.batchBytes += bytes;
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
    this.batch = [];
    this.batchBytes = 0;
    while (this.inFlight.size >= (this.options.concurrency ?? 4)) await Promise.race(this.inFlight);
    const request = this.send(lines).catch((error: Error) => {
      this.fatal ??= error;
    });
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }

  private async send(lines: readonly string[]): Promise<void> {
    const attempts = this.options.attempts ?? 10;
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
        for (const e of answer.errors ?? []) if (this.totals.reasons.length < 20) this.totals.reasons.push(e.reason);
        return;
      }
      if (status === 413 && lines.length > 1) {
        const half = Math.ceil(lines.length / 2);
        await this.send(lines.slice(0, half));
        await this.send(lines.slice(half));
        return;
      }
      if (status === 401 || status === 403 || status === 404) throw new Error(`the collector refused the events (${status}): ${answer.error ?? ''}`);
      if (status === 400 || status === 413) {
        this.totals.events += lines.length;
        this.totals.refused += lines.length;
        if (this.totals.reasons.length < 20) this.totals.reasons.push(`${status}: ${answer.error ?? ''}`);
        return;
      }
      if (attempt >= attempts) throw new Error(`gave up after ${attempts} attempts; last answer ${status || 'none'}: ${answer.error ?? ''}`);
      this.totals.retries++;
      const backoff = Math.max(retryAfter, Math.min(10_000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}
