/**
 * Protects the personal data of one request's events before the collector
 * puts them in the buffer, so that the buffer's files never hold it in clear:
 * for every event of a stream that names a data subject, the buffer gets
 * exactly what its lake row will hold (privacy/event-protector.ts) —
 * identifiers as pseudonyms, personal fields, `_raw` and the IP as
 * ciphertext under the subject's key, or withheld when it names no subject.
 * Dead letters keep only `_raw`, protected the same way, and a reason that
 * quotes nothing personal of the event.
 *
 * The keys of all the request's subjects are got (the new ones created) in
 * one call to the key ring, so one state transaction per request at most. A
 * subject forgotten already gets the project's `privacy.forgotten` policy
 * here: its events are anonymized (no identifier, personal field, IP or
 * `_raw`), or left out. One forgotten between collection and landing is the
 * lander's to handle (land/protect-batch.ts).
 *
 * Validation and classification have run on the clear event before this.
 * Encrypting costs three AES-GCM calls or more per event: a request of up to
 * `POOL_MIN_EVENTS` events is protected here, on the main thread, with a turn
 * of the event loop every `YIELD_EVERY` events so that it does not hold up
 * the others; a bigger one (a request is at most `collect.maxRequestSize`,
 * 500 KB by default: a few thousand events) on the worker pool that landing
 * uses (privacy/protect-pool.ts), or here when the pool cannot take it.
 */
import type { StreamModel } from '../config/index.ts';
import {
  CHUNK_EVENTS,
  EventProtector,
  reasonWithoutExcerpts,
  sharedProtectPool,
  type ProtectedEvent,
  type ProtectPool,
  type SubjectKeyRing,
} from '../privacy/index.ts';
import type { ProtectedText } from '../event/index.ts';

const YIELD_EVERY = 512;
/** Events of a request to protect from which the worker pool is worth its messages. */
export const POOL_MIN_EVENTS = 1024;
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One event of the request, with the collector's verdict. */
export interface CollectedEvent {
  readonly stream: StreamModel;
  /** `raw` parsed (a Segment message as completed, which `raw` is the JSON of). */
  readonly value: unknown;
  /** The event as received. */
  readonly raw: string;
  /** Why it goes to the dead letters; undefined when it belongs in its stream. */
  readonly deadLetter: string | undefined;
  /** The reason quotes no personal value (it is the verdict of event/classify-event.ts): kept as it is; otherwise what it quotes of the event is cut out. */
  readonly reasonMasked?: boolean;
}

/** What goes in the buffer for an event: its protected texts, and the reason as a dead letter keeps it. */
export interface GuardedEvent {
  readonly text: ProtectedText;
  readonly deadLetter: string | undefined;
}

/**
 * One answer per event, in order; undefined for an event of a forgotten
 * subject under the `'drop'` policy (it is not kept anywhere).
 *
 * @example
 * const guarded = await protectRequest(await keyRing(), [{ stream, value, raw, deadLetter: undefined }], '203.0.113.7');
 * encode(stream.name, messageId, time, undefined, guarded[0].text);
 */
export async function protectRequest(
  ring: Pick<SubjectKeyRing, 'pseudonym' | 'keysOf'>,
  events: readonly CollectedEvent[],
  ip: string | null,
  options: { readonly pool?: () => ProtectPool; readonly poolMinEvents?: number } = {},
): Promise<(GuardedEvent | undefined)[]> {
  // A request names each subject many times: one HMAC each, then a plain map.
  const pseudonyms = new Map<string, string>();
  const pseudonym = (id: string) => {
    let p = pseudonyms.get(id);
    if (p === undefined) pseudonyms.set(id, (p = ring.pseudonym(id)));
    return p;
  };
  const protectors = new Map<StreamModel, EventProtector>();
  const protectorOf = (stream: StreamModel) => {
    let p = protectors.get(stream);
    if (!p) protectors.set(stream, (p = new EventProtector(stream, { pseudonym })));
    return p;
  };

  const subjects: (string | undefined)[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const { stream, value } = events[i] as CollectedEvent;
    subjects[i] = protectorOf(stream).subjectOf(value);
  }
  const named = subjects.filter((s): s is string => s !== undefined);
  const keys = named.length === 0 ? new Map<string, Buffer | null>() : await ring.keysOf(named);
  // Keys are created for new subjects: a subject without one was forgotten.
  const isForgotten = (i: number) => subjects[i] !== undefined && keys.get(subjects[i] as string) === null;

  // A big request's stream events (not the dead letters, nor a forgotten subject's) on the pool.
  const onPool = new Map<number, ProtectedEvent>();
  const sealed = events.flatMap((e, i) => (e.deadLetter === undefined && !isForgotten(i) ? [i] : []));
  if (sealed.length >= (options.poolMinEvents ?? POOL_MIN_EVENTS)) {
    const pool = (options.pool ?? sharedProtectPool)();
    if (pool.usable) {
      const byStream = new Map<StreamModel, number[]>();
      for (const i of sealed) {
        const stream = (events[i] as CollectedEvent).stream;
        const list = byStream.get(stream);
        if (list) list.push(i);
        else byStream.set(stream, [i]);
      }
      const done: Promise<void>[] = [];
      for (const [stream, indices] of byStream) {
        const chunks = pool.protectEvents(
          stream,
          indices.map((i) => ({
            value: (events[i] as CollectedEvent).value as Record<string, unknown>,
            raw: (events[i] as CollectedEvent).raw,
            ip,
            subject: subjects[i],
          })),
          keys,
          pseudonym,
        );
        // A chunk the pool fails on is protected below, here.
        done.push(
          ...chunks.map((chunk, c) =>
            chunk.then(
              (texts) => texts.forEach((p, k) => onPool.set(indices[c * CHUNK_EVENTS + k] as number, p)),
              () => undefined,
            ),
          ),
        );
      }
      await Promise.all(done);
    }
  }

  const out: (GuardedEvent | undefined)[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToRequests();
    const { stream, value, raw, deadLetter, reasonMasked } = events[i] as CollectedEvent;
    const protector = protectorOf(stream);
    const subject = subjects[i];
    const key = subject === undefined ? null : (keys.get(subject) ?? null);
    const forgotten = isForgotten(i);
    if (forgotten && stream.forgotten === 'drop') {
      out[i] = undefined;
      continue;
    }
    if (deadLetter !== undefined) {
      const landed = protector.deadLetterRaw(value, raw, subject, key, forgotten);
      out[i] = {
        text: { event: '', raw: landed.raw, ip: null, subject: forgotten ? null : (subject ?? null) },
        deadLetter: reasonMasked ? deadLetter : reasonWithoutExcerpts(deadLetter, raw),
      };
      continue;
    }
    // A stream's event is a JSON object: its verdict says so.
    const event = value as Record<string, unknown>;
    const p = onPool.get(i) ?? (forgotten ? protector.anonymize(event) : protector.protect(event, raw, ip, subject, key));
    out[i] = { text: { event: p.event, raw: p.raw, ip: p.ip, subject: forgotten ? null : (subject ?? null) }, deadLetter: undefined };
  }
  return out;
}
