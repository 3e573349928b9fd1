/**
 * Protects the personal data of a landing batch before any of it is written,
 * to the raw lake or to the dead letters (see privacy/event-protector.ts for
 * what lands of each event). Streams without an identifier pass unchanged.
 *
 * Two passes, so that the keys of all the batch's subjects are got — and the
 * new ones created — in one state transaction: first every event's subject,
 * then every event rewritten under its subject's key. Both passes yield to the
 * event loop now and then, as the lander does, so that a big batch does not
 * hold up the collector's requests.
 */
import { protectsPersonalData } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import { EventProtector, isEventObject, withheldText, type SubjectKeyRing } from '../privacy/index.ts';
import type { DeadLetter, RawRow, StreamBatch } from './land-batch.ts';
import { rawRow } from './raw-row.ts';

const YIELD_EVERY = 2048;
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
    const protector = new EventProtector(batch.stream, ring);

    // Pass 1: each event's subject.
    type Seen = { value: unknown; subject: string | undefined };
    const seenRows = new Map<number, Seen[]>();
    const seenDead: Seen[] = [];
    const subjects = new Set<string>();
    let n = 0;
    const see = async (raw: string, parsed?: unknown): Promise<Seen> => {
      if (++n % YIELD_EVERY === 0) await yieldToRequests();
      const value = parsed ?? parseOrUndefined(raw);
      const subject = protector.subjectOf(value);
      if (subject !== undefined) subjects.add(subject);
      return { value, subject };
    };
    for (const [idx, rows] of batch.partitions) {
      const seen: Seen[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) seen[i] = await see((rows[i] as RawRow).raw, (rows[i] as RawRow).receipt?.value);
      seenRows.set(idx, seen);
    }
    for (const letter of batch.deadLetters) seenDead.push(await see(letter.raw));
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
    const partitions = new Map<number, RawRow[]>();
    for (const [idx, rows] of batch.partitions) {
      const seen = seenRows.get(idx) as Seen[];
      const landed: RawRow[] = [];
      for (let i = 0; i < rows.length; i++) {
        if (++n % YIELD_EVERY === 0) await yieldToRequests();
        const row = rows[i] as RawRow;
        const { value, subject } = seen[i] as Seen;
        const receipt = row.receipt;
        if (!receipt || !isEventObject(value)) throw new PondError('INTERNAL', `a row of stream "${batch.stream.name}" reached landing without its receipt or as no JSON object`);
        if (drop && forgotten(subject)) {
          dropped++;
          continue;
        }
        const p = landedOf(value, receipt.raw, receipt.ip, subject);
        landed.push(rawRow({ ...receipt, raw: p.raw, event: p.event, ip: p.ip, value: undefined }));
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
