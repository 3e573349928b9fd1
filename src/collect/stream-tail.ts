/**
 * The last events each stream received, as they arrive — the live tail of a
 * stream (`GET /api/streams/:name/tail`, `pond tail`), like Segment's
 * debugger: accepted events and dead letters, each with its verdict.
 *
 * Cheap when nobody watches: the collector hands over the envelopes it has
 * just made durable (event/envelope.ts), and each costs one slot of a ring of
 * `capacity` per stream — no copy, no encoding. An envelope is decoded only
 * when a reader asks for it. A reader that waits for what comes next
 * (a long-poll) is woken when its stream receives events.
 *
 * What a reader sees of a stream with personal data is what the buffer holds
 * of it: identifiers as pseudonyms, and each encrypted value masked to
 * `enc:v1:<pseudonym>:…` (which subject, not what). The event of such a dead
 * letter is encrypted whole, so it is not shown.
 *
 * The ring lives in the process that collects (one process for `pond up`);
 * it starts empty, and numbers events from 1, each time the process starts:
 * a cursor names the process (`epoch`) as well as the event.
 */
import { randomUUID } from 'node:crypto';
import { decodeEnvelope } from '../event/index.ts';
import { CIPHERTEXT_PREFIX, ciphertextSubject } from '../privacy/index.ts';

/** Events kept per stream. */
export const TAIL_CAPACITY = 100;

/** One event of a tail, decoded (the data API's `TailEvent`). */
export interface TailEntry {
  readonly receivedAt: string;
  readonly messageId: string;
  readonly source: string;
  readonly status: 'accepted' | 'dead-letter';
  readonly eventTime: string | null;
  readonly reason: string | null;
  /** The event as it lands, parsed; personal values masked. Null for a dead letter of a stream with personal data (its text is encrypted whole). */
  readonly event: unknown;
  /** Top-level fields whose values are masked (personal data). */
  readonly masked: readonly string[];
}

/** What a read of a tail answers (the data API's `StreamTail`, less the stream's name). */
export interface TailRead {
  /** Oldest first. */
  readonly events: readonly TailEntry[];
  /** Pass it back as `after` to read what arrives after these. */
  readonly cursor: string;
  /** Events between the cursor given and the oldest the ring still held: gone before they were read. */
  readonly missed: number;
}

interface Ring {
  readonly slots: (Buffer | undefined)[];
  /** Events received so far; the newest is number `count`. */
  count: number;
}

export class StreamTail {
  /** Names this process in cursors: a cursor of another process (before a restart) reads from the start of the ring. */
  readonly epoch = randomUUID().slice(0, 8);
  private readonly rings = new Map<string, Ring>();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(readonly capacity = TAIL_CAPACITY) {}

  /**
   * Keeps an envelope the collector made durable (in the order of the
   * buffer). One slot write: this runs for every event received.
   */
  add(stream: string, envelope: Buffer): void {
    let ring = this.rings.get(stream);
    if (!ring) this.rings.set(stream, (ring = { slots: new Array<Buffer | undefined>(this.capacity), count: 0 }));
    ring.slots[ring.count % this.capacity] = envelope;
    ring.count++;
  }

  /** Wakes the readers waiting on `stream`; the collector calls it once per stream of a request. */
  notify(stream: string): void {
    const waiting = this.waiters.get(stream);
    if (!waiting || waiting.size === 0) return;
    this.waiters.delete(stream);
    for (const wake of waiting) wake();
  }

  /**
   * The events of `stream` after `cursor` (the newest `limit` without one, or
   * with one of another process), oldest first; `keep` filters them, and the
   * cursor moves past those it leaves out too.
   *
   * @example
   * const first = tail.read('events', undefined, 20, protectedFields);
   * const next = tail.read('events', first.cursor, 20, protectedFields);
   */
  read(stream: string, cursor: string | undefined, limit: number, encrypted: ReadonlySet<string>, keep?: (e: TailEntry) => boolean): TailRead {
    const ring = this.rings.get(stream);
    const count = ring?.count ?? 0;
    const oldest = Math.max(1, count - this.capacity + 1);
    const after = this.after(cursor);
    let from: number;
    let missed = 0;
    if (after === undefined) from = Math.max(oldest, count - limit + 1);
    else {
      from = Math.max(oldest, after + 1);
      missed = Math.max(0, oldest - (after + 1));
    }
    const events: TailEntry[] = [];
    let last = after ?? from - 1;
    for (let n = from; n <= count && events.length < limit; n++) {
      last = n;
      const entry = decodeEntry((ring as Ring).slots[(n - 1) % this.capacity] as Buffer, encrypted);
      if (!keep || keep(entry)) events.push(entry);
    }
    return { events, cursor: `${this.epoch}.${last}`, missed };
  }

  /**
   * Resolves when `stream` receives events after `cursor`, or at once when it
   * has some already; or when `signal` aborts (the reader's time is up, or it
   * went away).
   */
  async wait(stream: string, cursor: string | undefined, signal: AbortSignal): Promise<void> {
    const after = this.after(cursor) ?? 0;
    if ((this.rings.get(stream)?.count ?? 0) > after || signal.aborted) return;
    await new Promise<void>((resolve) => {
      let waiting = this.waiters.get(stream);
      if (!waiting) this.waiters.set(stream, (waiting = new Set()));
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.get(stream)?.delete(wake);
        resolve();
      };
      waiting.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The event number a cursor of this process names; undefined for none, or one of another process. */
  private after(cursor: string | undefined): number | undefined {
    if (cursor === undefined) return undefined;
    const [epoch, n] = cursor.split('.');
    if (epoch !== this.epoch || n === undefined || !/^\d+$/.test(n)) return undefined;
    return Number(n);
  }
}

/** Whether `cursor` has the form a tail gives (it may be of another process). */
export function isTailCursor(cursor: string): boolean {
  return /^[0-9a-f]{8}\.\d{1,15}$/.test(cursor);
}

function decodeEntry(envelope: Buffer, encrypted: ReadonlySet<string>): TailEntry {
  const e = decodeEnvelope(envelope);
  const deadLetter = e.deadLetter !== undefined || e.eventTime === undefined;
  const base = {
    receivedAt: new Date(e.receivedAt).toISOString(),
    messageId: e.messageId,
    source: e.source,
    status: deadLetter ? ('dead-letter' as const) : ('accepted' as const),
    eventTime: e.eventTime === undefined ? null : new Date(e.eventTime).toISOString(),
    reason: deadLetter ? (e.deadLetter ?? 'no event time') : null,
  };
  if (!e.protected) return { ...base, event: parse(e.raw ?? 'null'), masked: [] };
  // Protected: the event as it lands (a dead letter's is encrypted whole, in `raw`).
  if (e.protected.event === '') return { ...base, event: null, masked: [] };
  const event = parse(e.protected.event);
  const masked: string[] = [];
  if (typeof event === 'object' && event !== null && !Array.isArray(event)) {
    const fields = event as Record<string, unknown>;
    for (const [name, value] of Object.entries(fields)) {
      if (!encrypted.has(name) || typeof value !== 'string' || !value.startsWith(CIPHERTEXT_PREFIX)) continue;
      fields[name] = `${CIPHERTEXT_PREFIX}${ciphertextSubject(value) ?? ''}:…`;
      masked.push(name);
    }
  }
  return { ...base, event, masked };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
