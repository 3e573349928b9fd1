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
 *
 * Events the collector protected before the buffer (`protection` on their
 * receipt or dead letter) are as they land already, and are not protected
 * again; only the `privacy.forgotten` policy is applied to them, for a
 * subject forgotten since they were collected. Whether a subject is
 * forgotten is read from the state's list of forgotten subjects (exact, not
 * a cache) as well as from its key.
 */
import { protectsPersonalData } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import {
  CHUNK_EVENTS,
  EventProtector,
  forgottenSubjects,
  isEventObject,
  reasonWithoutExcerpts,
  sharedProtectPool,
  type EventToProtect,
  type LandedLine,
  type ProtectedEvent,
  type SubjectKeyRing,
} from '../privacy/index.ts';
import type { SubjectKeyStore } from '../state/index.ts';
import type { DeadLetter, RawRow, StreamBatch } from './land-batch.ts';
import { protectedLine, type Receipt } from '../event/index.ts';

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

/** Where the list of forgotten subjects is read (the state store). */
export type ForgottenSource = Pick<SubjectKeyStore, 'forgottenSubjects' | 'forgottenStamp'>;

/** The forgotten list as a set, made once per list (`forgottenSubjects` returns the same array while it is unchanged). */
const forgottenSets = new WeakMap<readonly string[], ReadonlySet<string>>();

async function forgottenSetOf(state: ForgottenSource | undefined): Promise<ReadonlySet<string>> {
  if (!state) return new Set();
  const list = await forgottenSubjects(state);
  let set = forgottenSets.get(list);
  if (!set) forgottenSets.set(list, (set = new Set(list)));
  return set;
}

/**
 * `state`, when given, is asked which subjects are forgotten (exactly, where
 * the key ring may answer from its cache): landing passes it, so that an
 * event collected before its subject was forgotten lands by the policy.
 */
export async function protectBatches(keyRing: KeyRingSource | undefined, batches: readonly StreamBatch[], state?: ForgottenSource): Promise<ProtectedBatches> {
  let withheld = 0;
  let dropped = 0;
  const out: StreamBatch[] = [];
  let forgottenList: ReadonlySet<string> | undefined;
  for (const batch of batches) {
    if (!protectsPersonalData(batch.stream.pii)) {
      out.push(batch);
      continue;
    }
    if (!keyRing)
      throw new PondError('INTERNAL', `stream "${batch.stream.name}" holds personal data, and this landing has no keys to encrypt it with`, {
        hint: 'land through a context that opens the key ring (openContext); nothing was written',
      });
    const ring = await keyRing();
    // The batch's events name each subject many times: one HMAC each, then a plain map.
    const pseudonyms = new Map<string, string>();
    const pseudonymOf = (id: string) => {
      let p = pseudonyms.get(id);
      if (p === undefined) pseudonyms.set(id, (p = ring.pseudonym(id)));
      return p;
    };
    const protector = new EventProtector(batch.stream, { pseudonym: pseudonymOf });

    // Pass 1: each event's subject. Events protected at collection are not parsed: their subject came with them.
    type Seen = { value: unknown; subject: string | undefined };
    const seenRows = new Map<number, Seen[]>();
    const seenDead: Seen[] = [];
    const subjects = new Set<string>();
    let n = 0;
    // Synchronous, with a yield every YIELD_EVERY events: an await per event costs more than finding its subject.
    const see = (raw: string | null, parsed?: unknown): Seen => {
      const value = parsed ?? (raw === null ? undefined : parseOrUndefined(raw));
      const subject = protector.subjectOf(value);
      if (subject !== undefined) subjects.add(subject);
      return { value, subject };
    };
    const alreadySeen = (protection: { readonly subject: string | null }): Seen => ({ value: undefined, subject: protection.subject ?? undefined });
    for (const [idx, rows] of batch.partitions) {
      const seen: Seen[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        if (++n % YIELD_EVERY === 0) await yieldToRequests();
        const receipt = (rows[i] as RawRow).receipt;
        seen[i] = receipt?.protection ? alreadySeen(receipt.protection) : see((rows[i] as RawRow).raw, receipt?.value);
      }
      seenRows.set(idx, seen);
    }
    for (const letter of batch.deadLetters) {
      if (++n % YIELD_EVERY === 0) await yieldToRequests();
      seenDead.push(letter.protection ? alreadySeen(letter.protection) : see(letter.raw));
    }
    // Keys only for the events to protect here; those protected at collection need only to know who is forgotten.
    const keys = await ring.keysOf(subjects);
    const keyOf = (subject: string | undefined) => (subject === undefined ? null : (keys.get(subject) ?? null));
    forgottenList ??= await forgottenSetOf(state);
    const forgottenNow = forgottenList;

    // Pass 2: each event as it lands. A subject without a key was forgotten (keys are created for new ones).
    const forgotten = (subject: string | undefined) => subject !== undefined && (keys.get(subject) === null || forgottenNow.has(subject));
    const drop = batch.stream.forgotten === 'drop';
    // What becomes of each row: dropped, anonymized, kept as it is (protected at collection), or protected (the index of the event in `toProtect`).
    const DROPPED = -1;
    const ANONYMIZED = -2;
    const KEPT = -3;
    const plans = new Map<number, Int32Array>();
    const toProtect: EventToProtect[] = [];
    for (const [idx, rows] of batch.partitions) {
      const seen = seenRows.get(idx) as Seen[];
      const plan = new Int32Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const { value, subject } = seen[i] as Seen;
        const receipt = (rows[i] as RawRow).receipt;
        if (!receipt || (!receipt.protection && !isEventObject(value)))
          throw new PondError('INTERNAL', `a row of stream "${batch.stream.name}" reached landing without its receipt or as no JSON object`);
        if (forgotten(subject)) plan[i] = drop ? DROPPED : ANONYMIZED;
        else if (receipt.protection) plan[i] = KEPT;
        else plan[i] = toProtect.push({ receipt, value: value as Record<string, unknown>, subject }) - 1;
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
        if (at === KEPT) {
          landed.push(rows[i] as RawRow);
          continue;
        }
        let p: LandedLine;
        if (at === ANONYMIZED) p = landedLine(receipt, protector.anonymize(eventOf(receipt, (seen[i] as Seen).value)));
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
      const gone = forgotten(subject);
      if (gone && drop) {
        dropped++;
        continue;
      }
      if (letter.protection) {
        // Protected at collection (reason and `_raw` as they land): only a subject forgotten since then changes it.
        if (gone) withheld++;
        deadLetters.push(gone ? { ...letter, raw: null } : letter);
        continue;
      }
      const raw = letter.raw as string; // as received: only a protected dead letter's may be null
      const landed = protector.deadLetterRaw(value, raw, subject, keyOf(subject), gone);
      if (landed.withheld) withheld++;
      deadLetters.push({ ...letter, reason: letter.reasonMasked ? letter.reason : reasonWithoutExcerpts(letter.reason, raw), raw: landed.raw });
    }
    out.push({ ...batch, partitions, deadLetters });
  }
  return { batches: out, withheld, dropped };
}

/** The event of a row to anonymize: parsed in pass 1, or (protected at collection) its landed text. */
function eventOf(receipt: Receipt, value: unknown): Record<string, unknown> {
  if (isEventObject(value)) return value;
  const parsed: unknown = receipt.event === undefined ? undefined : JSON.parse(receipt.event);
  if (!isEventObject(parsed)) throw new PondError('INTERNAL', 'a protected row reached landing without its event');
  return parsed;
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

  get raw(): string | null {
    return (JSON.parse(this.line) as { _raw: string | null })._raw;
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
    events
      .slice(start, start + CHUNK_EVENTS)
      .map(({ receipt, value, subject }) =>
        landedLine(receipt, protector.protect(value, receipt.raw as string, receipt.ip, subject, subject === undefined ? null : (keys.get(subject) ?? null))),
      );
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

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
