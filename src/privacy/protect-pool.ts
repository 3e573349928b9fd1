/**
 * Protects the events of a big landing batch on worker threads, a chunk at a
 * time, while the main thread takes the rows of the chunks already done.
 * Encrypting costs three AES-GCM calls or more per event, and in Node most of
 * a call is the cipher object and its garbage, not AES. On the workers that
 * work runs on the other cores, and outside the main thread's heap (its
 * collections grow with the batch it holds). With a free core, landing with
 * personal data takes a third less time; with none, it costs a little more
 * CPU than protecting on the main thread (bench/RESULTS.md §8b).
 *
 * The workers only compute. Each chunk goes out with the keys and pseudonyms
 * of its subjects, and comes back as the lines of its raw rows, as
 * `EventProtector.protect` and `rawRow` make them on the main thread — or,
 * for the collector's big requests (`protectEvents`), as the protected texts
 * that go in the buffer. Nothing
 * is written or acknowledged there, so crash safety stays the landing's own.
 * A worker that dies fails its chunks, and the pool is not used again by this
 * process: the caller protects those chunks, and later batches, itself.
 *
 * Workers are idle between batches, and unreferenced then: they never keep
 * the process alive. `POND_PROTECT_WORKERS` sets their number (default: the
 * cores, at most 4; 0: none, and every batch is protected on the main thread).
 * Pond runs its TypeScript through tsx, whose hooks do not reach worker
 * threads on Node 20, so each worker registers tsx before it loads
 * protect-worker.ts.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { StreamPii } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import type { Receipt } from '../event/index.ts';
import { subjectId, type ProtectedEvent } from './event-protector.ts';

/** Events per message to a worker: big enough that the message costs little, small enough that the main thread gets results early. */
export const CHUNK_EVENTS = 2048;

/** What a worker gets: a chunk of events and what it needs to protect them. */
export interface ProtectChunk {
  readonly id: number;
  /** What comes back: the raw rows' lines (landing), or each event's protected texts (the collector). */
  readonly output: 'lines' | 'texts';
  readonly stream: { readonly name: string; readonly pii: StreamPii };
  /** Data keys by pseudonym, for the chunk's subjects that have one. */
  readonly keys: Map<string, Uint8Array>;
  /** Pseudonyms by subject id (`subjectId`), for every identifier value in the chunk. */
  readonly pseudonyms: Map<string, string>;
  readonly subjects: (string | null)[];
  /** The receipts, a column each. */
  readonly raws: string[];
  readonly ips: (string | null)[];
  readonly eventTimes: Float64Array;
  readonly receivedAts: Float64Array;
  readonly messageIds: string[];
  readonly sources: string[];
  readonly userAgents: (string | null)[];
}

export type ProtectChunkResult = ProtectedChunk | { readonly id: number; readonly error: string };

/** A chunk done: `lines` or, for `output: 'texts'`, `events`, `raws` and `ips`, a column each. */
export type ProtectedChunk =
  | { readonly id: number; readonly lines: string[]; readonly withheld: Uint8Array }
  | { readonly id: number; readonly events: string[]; readonly raws: (string | null)[]; readonly ips: (string | null)[]; readonly withheld: Uint8Array };

/** One event to protect: its receipt, what it parsed to, and its subject (`EventProtector.subjectOf`). */
export interface EventToProtect {
  readonly receipt: Receipt;
  readonly value: Record<string, unknown>;
  readonly subject: string | undefined;
}

/** An event protected, as its raw row's line (see event/raw-line.ts). */
export interface LandedLine {
  readonly line: string;
  /** True when personal data was dropped for want of a key. */
  readonly withheld: boolean;
}

/** One event the collector protects (`protectEvents`): as received, with its subject. */
export interface EventToSeal {
  readonly value: Record<string, unknown>;
  readonly raw: string;
  readonly ip: string | null;
  readonly subject: string | undefined;
}

interface Pending {
  readonly chunk: ProtectChunk;
  readonly resolve: (result: ProtectedChunk) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly inFlight: Map<number, Pending>;
}

/** Chunks a worker holds at once: one to work on, one waiting, so that it never waits for the main thread. */
const IN_FLIGHT = 2;

export class ProtectPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private broken: Error | undefined;

  constructor(private readonly size = defaultSize()) {}

  /** Whether the pool can take work (no worker of it has died). */
  get usable(): boolean {
    return this.broken === undefined && this.size > 0;
  }

  /**
   * Protects events in chunks of `CHUNK_EVENTS`; one promise per chunk, in
   * order, each resolving to the lines of the chunk's events as they land
   * (`rawRow(receipt).line` with the receipt protected). A chunk fails
   * (INTERNAL) when its worker does; the caller may then protect it itself.
   *
   * @example
   * const chunks = pool.protect(stream, events, keys, (id) => ring.pseudonym(id));
   * for (const chunk of chunks) for (const { line } of await chunk) write(line);
   */
  protect(
    stream: { readonly name: string; readonly pii: StreamPii },
    events: readonly EventToProtect[],
    keys: ReadonlyMap<string, Buffer | null>,
    pseudonymOf: (subjectId: string) => string,
  ): Promise<LandedLine[]>[] {
    const out: Promise<LandedLine[]>[] = [];
    for (let start = 0; start < events.length; start += CHUNK_EVENTS) {
      const chunk = this.chunkOf(stream, events.slice(start, start + CHUNK_EVENTS), keys, pseudonymOf, 'lines');
      out.push(new Promise<LandedLine[]>((resolve, reject) => this.queue.push({ chunk, resolve: (r) => resolve(landedOf(r)), reject })));
    }
    this.dispatch();
    return out;
  }

  /**
   * As `protect`, for the events of a collector's request: each comes back
   * as `EventProtector.protect` returns it (the texts that go in the buffer).
   *
   * @example
   * const chunks = pool.protectEvents(stream, [{ value, raw, ip, subject }], keys, (id) => ring.pseudonym(id));
   * const [first] = await chunks[0]; // { event: '{"user_id":"ps_…",…}', raw: 'enc:v1:…', ip: 'enc:v1:…', withheld: false }
   */
  protectEvents(
    stream: { readonly name: string; readonly pii: StreamPii },
    events: readonly EventToSeal[],
    keys: ReadonlyMap<string, Buffer | null>,
    pseudonymOf: (subjectId: string) => string,
  ): Promise<ProtectedEvent[]>[] {
    const out: Promise<ProtectedEvent[]>[] = [];
    for (let start = 0; start < events.length; start += CHUNK_EVENTS) {
      // Only `raw` and `ip` of a receipt are read for texts; the rest of it is not sent on.
      const slice = events.slice(start, start + CHUNK_EVENTS).map(({ value, raw, ip, subject }) => ({
        value,
        subject,
        receipt: { raw, ip, eventTime: 0, receivedAt: 0, messageId: '', source: '', userAgent: null },
      }));
      const chunk = this.chunkOf(stream, slice, keys, pseudonymOf, 'texts');
      out.push(new Promise<ProtectedEvent[]>((resolve, reject) => this.queue.push({ chunk, resolve: (r) => resolve(textsOf(r)), reject })));
    }
    this.dispatch();
    return out;
  }

  /** Stops the workers; a later `protect` starts new ones. */
  async close(): Promise<void> {
    const closed = () => new PondError('INTERNAL', 'the pool protecting personal data was closed with work in flight');
    for (const p of this.queue.splice(0)) p.reject(closed());
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((s) => {
        s.worker.removeAllListeners();
        for (const p of s.inFlight.values()) p.reject(closed());
        return s.worker.terminate();
      }),
    );
  }

  private chunkOf(
    stream: ProtectChunk['stream'],
    events: readonly EventToProtect[],
    keys: ReadonlyMap<string, Buffer | null>,
    pseudonymOf: (subjectId: string) => string,
    output: ProtectChunk['output'],
  ): ProtectChunk {
    const n = events.length;
    const chunkKeys = new Map<string, Uint8Array>();
    const pseudonyms = new Map<string, string>();
    const chunk: ProtectChunk = {
      id: this.nextId++,
      output,
      stream: { name: stream.name, pii: { identifiers: [...stream.pii.identifiers], personal: [...stream.pii.personal] } },
      keys: chunkKeys,
      pseudonyms,
      subjects: new Array(n),
      raws: new Array(n),
      ips: new Array(n),
      eventTimes: new Float64Array(n),
      receivedAts: new Float64Array(n),
      messageIds: new Array(n),
      sources: new Array(n),
      userAgents: new Array(n),
    };
    for (let i = 0; i < n; i++) {
      const { receipt, value, subject } = events[i] as EventToProtect;
      chunk.subjects[i] = subject ?? null;
      chunk.raws[i] = receipt.raw as string; // events to protect are as received: only a protected receipt's `raw` may be null
      chunk.ips[i] = receipt.ip;
      chunk.eventTimes[i] = receipt.eventTime;
      chunk.receivedAts[i] = receipt.receivedAt;
      chunk.messageIds[i] = receipt.messageId;
      chunk.sources[i] = receipt.source;
      chunk.userAgents[i] = receipt.userAgent;
      if (subject !== undefined && !chunkKeys.has(subject)) {
        const key = keys.get(subject);
        if (key) chunkKeys.set(subject, key);
      }
      for (const column of stream.pii.identifiers) {
        const id = value[column];
        if (id === undefined || id === null) continue;
        const text = subjectId(id);
        if (!pseudonyms.has(text)) pseudonyms.set(text, pseudonymOf(text));
      }
    }
    return chunk;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      if (!this.usable) {
        for (const p of this.queue.splice(0)) p.reject(this.broken ?? new PondError('INTERNAL', 'the pool protecting personal data has no workers'));
        return;
      }
      const slot = this.freeSlot();
      if (!slot) {
        if (this.usable) return; // every worker has its chunks: the next result dispatches more
        continue; // no worker could start: the loop fails the queue
      }
      const pending = this.queue.shift() as Pending;
      if (slot.inFlight.size === 0) slot.worker.ref();
      slot.inFlight.set(pending.chunk.id, pending);
      slot.worker.postMessage(pending.chunk);
    }
  }

  private freeSlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.inFlight.size < IN_FLIGHT && (!best || s.inFlight.size < best.inFlight.size)) best = s;
    if (best && best.inFlight.size === 0) return best;
    if (this.slots.length < this.size) return this.start();
    return best;
  }

  /** A new worker, or undefined when none can start (the pool is then broken, and its chunks fail). */
  private start(): Slot | undefined {
    let worker: Worker;
    try {
      worker = new Worker(bootstrap(), { eval: true, name: 'pond-protect' });
    } catch (error) {
      this.broken = new PondError('INTERNAL', `cannot start a worker thread to protect personal data: ${(error as Error).message}`, { cause: error });
      return undefined;
    }
    const slot: Slot = { worker, inFlight: new Map() };
    worker.unref();
    worker.on('message', (result: ProtectChunkResult) => {
      const pending = slot.inFlight.get(result.id);
      if (!pending) return;
      slot.inFlight.delete(result.id);
      if (slot.inFlight.size === 0) worker.unref();
      if ('error' in result) pending.reject(new PondError('INTERNAL', `protecting personal data on a worker thread failed: ${result.error}`));
      else pending.resolve(result);
      this.dispatch();
    });
    const fail = (error: Error) => {
      this.broken ??= error;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const p of slot.inFlight.values()) p.reject(error);
      slot.inFlight.clear();
      this.dispatch();
    };
    worker.on('error', (error) => fail(new PondError('INTERNAL', `a worker thread protecting personal data failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new PondError('INTERNAL', `a worker thread protecting personal data exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }
}

let shared: ProtectPool | undefined;

/** The process's pool, started on first use. */
export function sharedProtectPool(): ProtectPool {
  return (shared ??= new ProtectPool());
}

function defaultSize(): number {
  const fromEnv = Number(process.env.POND_PROTECT_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv >= 0) return fromEnv;
  return Math.min(4, Math.max(1, availableParallelism()));
}

function landedOf(result: ProtectedChunk): LandedLine[] {
  if (!('lines' in result)) throw new PondError('INTERNAL', `chunk ${result.id} came back as texts, not lines`);
  const out: LandedLine[] = new Array(result.lines.length);
  for (let i = 0; i < out.length; i++) out[i] = { line: result.lines[i] as string, withheld: result.withheld[i] === 1 };
  return out;
}

function textsOf(result: ProtectedChunk): ProtectedEvent[] {
  if (!('events' in result)) throw new PondError('INTERNAL', `chunk ${result.id} came back as lines, not texts`);
  const out: ProtectedEvent[] = new Array(result.events.length);
  for (let i = 0; i < out.length; i++)
    out[i] = { event: result.events[i] as string, raw: result.raws[i] ?? null, ip: result.ips[i] ?? null, withheld: result.withheld[i] === 1 };
  return out;
}

/** A worker's first code: tsx (resolved from Pond's own folder, not the project's), then protect-worker.ts. */
function bootstrap(): string {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const worker = JSON.stringify(new URL('./protect-worker.ts', import.meta.url).href);
  return `import(${tsx}).then(({ register }) => { register(); return import(${worker}); });`;
}
