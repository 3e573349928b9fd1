/**
 * What of one event may land, for a stream with a data subject: the subject
 * is the first identifier with a value, in declared order; every identifier
 * is replaced by its pseudonym, every personal field by its ciphertext under
 * the subject's key, the client IP too, and the event as received (`_raw`) is
 * encrypted whole — so that the original, clear identifiers included, is
 * kept, and forgetting the subject turns it into noise with the rest.
 *
 * Without a key — the event names no subject — nothing personal can be
 * encrypted: personal fields and the IP land as null, and `_raw` holds the
 * event as it lands (pseudonyms, personal fields null). The events of a
 * forgotten subject land anonymized (`anonymize`: no identifier, no personal
 * field, no IP, and `_raw` null), or not at all, by the project's
 * `privacy.forgotten` policy. Such events are counted as `withheld`. Nothing
 * personal is ever written in clear.
 *
 * The collector protects the events of such streams before they go to the
 * buffer (collect/protect-request.ts), and the lander those it finds there
 * unprotected (land/protect-batch.ts), both with this.
 */
import { encryptedFields, type StreamPii } from '../config/index.ts';
import { encryptField, encryptText, fieldAad } from './field-cipher.ts';
import type { SubjectKeyRing } from './keys/index.ts';

/** What lands of one event. */
export interface ProtectedEvent {
  /** The event's JSON with identifiers pseudonymised and personal fields encrypted (or null). */
  readonly event: string;
  /** What `_raw` holds: the original event encrypted, (without a key) `event`, or (a forgotten subject's event, anonymized) null. */
  readonly raw: string | null;
  readonly ip: string | null;
  /** True when personal data was dropped for want of a key. */
  readonly withheld: boolean;
}

/** What `_raw` holds for text that is not a JSON object: no subject can be found in it, so it cannot be kept. */
export function withheldText(stream: string): string {
  return `[withheld: not a JSON object, and stream "${stream}" holds personal data, so it cannot be kept without a data subject to encrypt it for]`;
}

export class EventProtector {
  private readonly aads = new Map<string, Buffer>();

  constructor(
    readonly stream: { readonly name: string; readonly pii: StreamPii },
    private readonly ring: Pick<SubjectKeyRing, 'pseudonym'>,
  ) {
    for (const column of encryptedFields(stream.pii)) this.aads.set(column, fieldAad(stream.name, column));
  }

  /** The pseudonym of the event's data subject, or undefined when it names none. */
  subjectOf(event: unknown): string | undefined {
    if (!isEventObject(event)) return undefined;
    for (const column of this.stream.pii.identifiers) {
      const value = event[column];
      if (value !== undefined && value !== null) return this.ring.pseudonym(subjectId(value));
    }
    return undefined;
  }

  /**
   * `subject` is `subjectOf(event)`, `key` its data key (null when it has none).
   *
   * @example
   * const subject = protector.subjectOf(event);
   * const landed = protector.protect(event, raw, ip, subject, keys.get(subject));
   */
  protect(event: Record<string, unknown>, raw: string, ip: string | null, subject: string | undefined, key: Buffer | null): ProtectedEvent {
    const out: Record<string, unknown> = { ...event };
    for (const column of this.stream.pii.identifiers) {
      const value = out[column];
      if (value !== undefined && value !== null) out[column] = this.ring.pseudonym(subjectId(value));
    }
    const usable = subject !== undefined && key !== null ? key : null;
    let withheld = false;
    for (const column of this.stream.pii.personal) {
      const value = out[column];
      if (value === undefined || value === null) continue;
      if (usable) out[column] = encryptField(value, usable, subject as string, this.aad(column));
      else {
        out[column] = null;
        withheld = true;
      }
    }
    if (!usable && ip !== null) withheld = true;
    const json = JSON.stringify(out);
    return {
      event: json,
      raw: usable ? encryptText(raw, usable, subject as string, this.aad('_raw')) : json,
      ip: ip === null || !usable ? null : encryptField(ip, usable, subject as string, this.aad('_ip')),
      withheld,
    };
  }

  /**
   * What lands of an event of a forgotten subject under the `'anonymize'`
   * policy: no identifier, no personal field, no IP, no `_raw` (null).
   * Nothing left in it names the subject, not even a pseudonym. `event` may
   * be as received or already protected (pseudonyms and ciphertext): both
   * come out the same.
   */
  anonymize(event: Record<string, unknown>): ProtectedEvent {
    const out: Record<string, unknown> = { ...event };
    for (const column of this.stream.pii.identifiers) if (out[column] !== undefined) out[column] = null;
    for (const column of this.stream.pii.personal) if (out[column] !== undefined) out[column] = null;
    return { event: JSON.stringify(out), raw: null, ip: null, withheld: true };
  }

  /**
   * What `_raw` of a dead letter lands as (dead letters keep nothing else of
   * the event): text that is no JSON object cannot name a subject, so it is
   * withheld; an object is protected as an event is (ciphertext under its
   * subject's key, or without a key the event as it would land); a forgotten
   * subject's is null (the caller leaves it out under `'drop'`).
   *
   * @example
   * protector.deadLetterRaw('not json', 'not json', undefined, null, false) // { raw: '[withheld: …]', withheld: true }
   */
  deadLetterRaw(
    value: unknown,
    raw: string,
    subject: string | undefined,
    key: Buffer | null,
    forgotten: boolean,
  ): { readonly raw: string | null; readonly withheld: boolean } {
    if (!isEventObject(value)) return { raw: withheldText(this.stream.name), withheld: true };
    const p = forgotten ? this.anonymize(value) : this.protect(value, raw, null, subject, key);
    return { raw: p.raw, withheld: p.withheld };
  }

  private aad(column: string): Buffer {
    return this.aads.get(column) as Buffer;
  }
}

/** A subject's identity as text: strings as they are, other JSON values as JSON (so 42 and "42" are one subject). */
export function subjectId(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A dead letter's reason without the quotes of the event it may carry
 * (JSON.parse's message quotes the start of the text: `Unexpected token 'o',
 * "not json, f"...`), for a stream with personal data.
 *
 * @example
 * reasonWithoutExcerpts('Unexpected token \'o\', "not json, f"... is not valid JSON', 'not json, from ada@example.com')
 * // 'Unexpected token \'o\', "…" is not valid JSON'
 */
export function reasonWithoutExcerpts(reason: string, raw: string): string {
  return reason.replace(/"([^"]{2,})"(\.\.\.)?/g, (whole, excerpt: string) => (raw.includes(excerpt) ? '"…"' : whole));
}

/** Whether a parsed event is a JSON object (the only kind that can name a subject). */
export function isEventObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
