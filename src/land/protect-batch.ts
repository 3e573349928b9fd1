/**
 * Protects the personal data of a landing batch before any of it is written,
 * to the raw lake or to the dead letters (see privacy/event-protector.ts for
 * what lands of each event). Streams without an identifier pass unchanged.
 *
 * Two passes, so that the keys of all the batch's subjects are got — and the
 * new ones created — in one state transaction: first every event's subject,
 * then every event rewritten under its subject's key. Both passes yield to the
 * event loop now and then, as the lander does, so that a big batch does not
 * hold up the collector's requests. The second pass runs on worker threads
 * for a big batch (privacy/protect-pool.ts: encryption is most of landing's
 * cost), and makes each row's line there; the rows stay in order, and
 * nothing of the batch is written until all of it is protected.
 */
import { protectsPersonalData } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import { CHUNK_EVENTS, EventProtector, isEventObject, sharedProtectPool, withheldText, type EventToProtect, type LandedLine, type ProtectedEvent, type SubjectKeyRing } from '../privacy/index.ts';
import type { DeadLetter, RawRow, StreamBatch } from './land-batch.ts';
import { protectedLine, type Receipt } from './raw-row.ts';

const YIELD_EVERY = 2048;
/** Events protected in a batch from which the worker pool is worth its messages (see privacy/protect-pool.ts). */
const POOL_MIN_EVENTS = 4096;
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Opens (once) the key ring of the project's data subjects. */
export type KeyRingSource = () => Promise<SubjectKeyRing>;

export interface ProtectedBatches {
  readonly batches: StreamBatch[];
  /** Events (dead letters too) whose personal data was dropped: they named no subject, or a forgotten one (policy 'anonymize'). */
  readonly withheld: number;
  /** Events of forgotten subjects left out altogether (policy 'drop'). */
  readonly dropped: number;
}

export async function protectBatches(keyRing: KeyRingSource | undefined, batches: readonly StreamBatch[]): Promise<ProtectedBatches> {
  let withheld = 0;
  let dropped = 0;
  const out: StreamBatch[] = [];
  for (const batch of batches) {
    if (!protectsPersonalData(batch.stream.pii)) {
      out.push(batch);
      continue;
    }
    if (!keyRing) throw new PondError('INTERNAL', `stream "${batch.stream.name}" holds personal data, and this landing has no keys to encrypt it with`, { hint: 'land through a context that opens the key ring (openContext); nothing was written' });
    const ring = await keyRing();
    // The batch's events name each subject many times: one HMAC each, then a plain map.
    const pseudonyms = new Map<string, string>();
    const pseudonymOf = (id: string) => {
      let p = pseudonyms.get(id);
      if (p === undefined) pseudonyms.set(id, (p = ring.pseudonym(id)));
      return p;
    };
    const protector = new EventProtector(batch.stream, { pseudonym: pseudonymOf });

    // Pass 1: each event's subject.
    type Seen = { value: unknown; subject: string | undefined };
    const seenRows = new Map<number, Seen[]>();
    const seenDead: Seen[] = [];
    const subjects = new Set<string>();
    let n = 0;
    // Synchronous, with a yield every YIELD_EVERY events: an await per event costs more than finding its subject.
    const see = (raw: string, parsed?: unknown): Seen => {
      const value = parsed ?? parseOrUndefined(raw);
      const subject = protector.subjectOf(value);
      if (subject !== undefined) subjects.add(subject);
      return { value, subject };
    };
    for (const [idx, rows] of batch.partitions) {
      const seen: Seen[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        if (++n % YIELD_EVERY === 0) await yieldToRequests();
        seen[i] = see((rows[i] as RawRow).raw, (rows[i] as RawRow).receipt?.value);
      }
      seenRows.set(idx, seen);
    }
    for (const letter of batch.deadLetters) {
      if (++n % YIELD_EVERY === 0) await yieldToRequests();
      seenDead.push(see(letter.raw));
    }
    const keys = await ring.keysOf(subjects);
    const keyOf = (subject: string | undefined) => (subject === undefined ? null : (keys.get(subject) ?? null));

    // Pass 2: each event as it lands. A subject without a key was forgotten (keys are created for new ones).
    const forgotten = (subject: string | undefined) => subject !== undefined && keys.get(subject) === null;
    const drop = batch.stream.forgotten === 'drop';
    const landedOf = (value: Record<string, unknown>, raw: string, ip: string | null, subject: string | undefined) => {
      const p = forgotten(subject) ? protector.anonymize(value) : protector.protect(value, raw, ip, subject, keyOf(subject));
      if (p.withheld) withheld++;
      return p;
    };
    // What becomes of each row: dropped, anonymized, or protected (the index of the event in `toProtect`).
    const DROPPED = -1;
    const ANONYMIZED = -2;
    const plans = new Map<number, Int32Array>();
    const toProtect: EventToProtect[] = [];
    for (const [idx, rows] of batch.partitions) {
      const seen = seenRows.get(idx) as Seen[];
      const plan = new Int32Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const { value, subject } = seen[i] as Seen;
        const receipt = (rows[i] as RawRow).receipt;
        if (!receipt || !isEventObject(value)) throw new PondError('INTERNAL', `a row of stream "${batch.stream.name}" reached landing without its receipt or as no JSON object`);
        if (forgotten(subject)) plan[i] = drop ? DROPPED : ANONYMIZED;
        else plan[i] = toProtect.push({ receipt, value, subject }) - 1;
      }
      plans.set(idx, plan);
    }
    const chunks = protectedChunks(protector, toProtect, keys, pseudonymOf);
    let chunk: LandedLine[] = [];
    let chunkStart = 0;
    const protectedAt = async (at: number): Promise<LandedLine> => {
      while (at >= chunkStart + chunk.length) {
        chunkStart += chunk.length;
        const next = chunks.next().value as LandedLine[] | Promise<LandedLine[]>;
        if (Array.isArray(next)) await yieldToRequests(); // protected here: let requests in between chunks
        chunk = await next;
      }
      return chunk[at - chunkStart] as LandedLine;
    };
    const partitions = new Map<number, RawRow[]>();
    for (const [idx, rows] of batch.partitions) {
      const seen = seenRows.get(idx) as Seen[];
      const plan = plans.get(idx) as Int32Array;
      const landed: RawRow[] = [];
      for (let i = 0; i < rows.length; i++) {
        const at = plan[i] as number;
        if (at === DROPPED) {
          dropped++;
          continue;
        }
        const receipt = (rows[i] as RawRow).receipt as Receipt;
        let p: LandedLine;
        if (at === ANONYMIZED) p = landedLine(receipt, protector.anonymize((seen[i] as Seen).value as Record<string, unknown>));
        else if (at < chunkStart + chunk.length) p = chunk[at - chunkStart] as LandedLine;
        else p = await protectedAt(at); // the next chunk: yields to requests while it is not done
        if (p.withheld) withheld++;
        landed.push(new ProtectedRow(p.line, receipt));
      }
      if (landed.length > 0) partitions.set(idx, landed);
    }
    const deadLetters: DeadLetter[] = [];
    for (const [i, letter] of batch.deadLetters.entries()) {
      const { value, subject } = seenDead[i] as Seen;
      const reason = withoutExcerpts(letter.reason, letter.raw);
      if (!isEventObject(value)) {
        withheld++;
        deadLetters.push({ ...letter, reason, raw: withheldText(batch.stream.name) });
      } else if (drop && forgotten(subject)) dropped++;
      else deadLetters.push({ ...letter, reason, raw: landedOf(value, letter.raw, null, subject).raw });
    }
    out.push({ ...batch, partitions, deadLetters });
  }
  return { batches: out, withheld, dropped };
}

/** An event protected here (not on the pool): its line, as the pool's workers make it. */
function landedLine(receipt: Receipt, p: ProtectedEvent): LandedLine {
  return { line: protectedLine(receipt, p), withheld: p.withheld };
}

/**
 * A protected event's row: its line, and what a dead letter needs. It keeps
 * neither the receipt nor the protected texts (the batch holds every row
 * until it is written): `raw`, needed only when DuckDB refuses the row, is
 * read back from the line.
 */
class ProtectedRow implements RawRow {
  readonly eventTime: number;
  readonly messageId: string;
  readonly receivedAt: number;
  readonly source: string;

  constructor(
    readonly line: string,
    receipt: Receipt,
  ) {
    this.eventTime = receipt.eventTime;
    this.messageId = receipt.messageId;
    this.receivedAt = receipt.receivedAt;
    this.source = receipt.source;
  }

  get raw(): string {
    return (JSON.parse(this.line) as { _raw: string })._raw;
  }
}

/**
 * The events protected, a chunk at a time and in order: on the worker pool
 * for a big batch (the main thread takes the lines of a chunk while the
 * workers protect the next ones), else here. A chunk the pool fails on is
 * protected here.
 */
function* protectedChunks(
  protector: EventProtector,
  events: readonly EventToProtect[],
  keys: ReadonlyMap<string, Buffer | null>,
  pseudonymOf: (subjectId: string) => string,
): Generator<LandedLine[] | Promise<LandedLine[]>> {
  const inline = (start: number) =>
    events.slice(start, start + CHUNK_EVENTS).map(({ receipt, value, subject }) => landedLine(receipt, protector.protect(value, receipt.raw, receipt.ip, subject, subject === undefined ? null : (keys.get(subject) ?? null))));
  const pool = events.length >= POOL_MIN_EVENTS ? sharedProtectPool() : undefined;
  if (!pool?.usable) {
    for (let start = 0; start < events.length; start += CHUNK_EVENTS) yield inline(start);
    return;
  }
  const chunks = pool.protect(protector.stream, events, keys, pseudonymOf);
  // Handled now: when the caller stops early (it failed), a chunk failing later must not be an unhandled rejection.
  for (const chunk of chunks) chunk.catch(() => undefined);
  for (const [c, chunk] of chunks.entries()) yield chunk.catch(() => inline(c * CHUNK_EVENTS));
}

/**
 * The reason without the quotes of the event it may carry (JSON.parse's
 * message quotes the start of the text: `Unexpected token 'o', "not json, f"...`).
 */
function withoutExcerpts(reason: string, raw: string): string {
  return reason.replace(/"([^"]{2,})"(\.\.\.)?/g, (whole, excerpt: string) => (raw.includes(excerpt) ? '"…"' : whole));
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
