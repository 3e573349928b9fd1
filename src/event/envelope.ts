/**
 * How the collector puts an event in the buffer, and how the lander reads it
 * back: a line of JSON with what was learned on receipt (stream, messageId,
 * receipt time, the verdict, source, client IP and user agent), then the
 * event. The event text is never re-encoded, so what the client sent is what
 * lands.
 *
 * For a stream with personal data the collector protects the event first
 * (collect/protect-request.ts), and the envelope is *protected*: its head says so
 * (`"p":1`), carries what `_raw` lands as (`"x"`: ciphertext, the withheld
 * text, or null) and the subject's pseudonym (`"u"`), its `ip` is the IP's
 * ciphertext (or absent), and the text after the head is the event as it
 * lands (identifiers as pseudonyms, personal fields as ciphertext; empty for
 * a dead letter). Nothing personal is in it in clear; the lander lands it as
 * it is. An envelope without `"p"` (all of them before this format, and
 * those of streams without personal data) holds the event as received.
 */

export interface Envelope {
  readonly stream: string;
  readonly messageId: string;
  readonly receivedAt: number;
  /** Event time (ms) when the event belongs in its stream. */
  readonly eventTime?: number;
  /** Why it goes to the dead letters instead. */
  readonly deadLetter?: string;
  /** The source (write key) that sent it, or the file `pond load` read. */
  readonly source: string;
  /** The client's IP; in a protected envelope its ciphertext, or null. */
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  /**
   * The event as received; in a protected envelope what `_raw` lands as:
   * ciphertext under the subject's key, the event as it lands (it names no
   * subject), the withheld text (no JSON object), or null (a forgotten
   * subject's event, anonymized).
   */
  readonly raw: string | null;
  /** Set when the collector protected the event before the buffer. */
  readonly protected?: EnvelopeProtection;
}

export interface EnvelopeProtection {
  /** The event as it lands (identifiers as pseudonyms, personal fields as ciphertext or null); '' for a dead letter. */
  readonly event: string;
  /** The pseudonym of the event's data subject; null when it names none. */
  readonly subject: string | null;
}

/** An event protected by the collector, as `receiptEncoder`'s encoder takes it. */
export interface ProtectedText {
  /** The event as it lands; '' for a dead letter. */
  readonly event: string;
  /** What `_raw` lands as. */
  readonly raw: string | null;
  /** The IP's ciphertext, or null. */
  readonly ip: string | null;
  readonly subject: string | null;
}

/** Encodes one event of a request: `raw` as received, or the event protected (`ProtectedText`). */
export type EnvelopeEncoder = (
  stream: string,
  messageId: string,
  eventTime: number | undefined,
  deadLetter: string | undefined,
  raw: string | ProtectedText,
) => Buffer;

/** The head as JSON has it (short keys: it is written for every event). */
interface Head {
  s: string;
  m: string;
  r: number;
  t?: number;
  d?: string;
  src: string;
  ip?: string | null;
  ua?: string | null;
  /** 1: protected. */
  p?: number;
  /** Protected: what `_raw` lands as. */
  x?: string | null;
  /** Protected: the subject's pseudonym. */
  u?: string;
}

/**
 * An encoder for the events of one request: what they share (receipt time,
 * source, IP, user agent) is written as JSON once, so each event costs only
 * its own fields and one copy of its text. A protected event's head leaves
 * the shared (clear) IP out and carries its own ciphertext of it.
 *
 * @example
 * const encode = receiptEncoder({ receivedAt: Date.now(), source: 'app', ip: '203.0.113.7', userAgent: null });
 * encode('events', 'm-1', 1795460645000, undefined, '{"amount":1}');
 * encode('signups', 'm-2', 1795460645000, undefined, { event: '{"user_id":"ps_…"}', raw: 'enc:v1:ps_…:…', ip: 'enc:v1:ps_…:…', subject: 'ps_…' });
 */
export function receiptEncoder(receipt: Pick<Envelope, 'receivedAt' | 'source' | 'ip' | 'userAgent'>): EnvelopeEncoder {
  let common = `"r":${receipt.receivedAt},"src":${JSON.stringify(receipt.source)}`;
  if (receipt.userAgent) common += `,"ua":${JSON.stringify(receipt.userAgent)}`;
  const clear = receipt.ip ? `${common},"ip":${JSON.stringify(receipt.ip)}}\n` : `${common}}\n`;
  const withoutIp = `${common}}\n`;
  return (stream, messageId, eventTime, deadLetter, raw) => {
    const verdict = eventTime !== undefined ? `"t":${eventTime},` : deadLetter !== undefined ? `"d":${JSON.stringify(deadLetter)},` : '';
    const start = `{"s":${JSON.stringify(stream)},"m":${JSON.stringify(messageId)},${verdict}`;
    // JSON.stringify never writes a raw newline, so the first one ends the head.
    if (typeof raw === 'string') return Buffer.from(`${start}${clear}${raw}`, 'utf8');
    const subject = raw.subject === null ? '' : `"u":${JSON.stringify(raw.subject)},`;
    const ip = raw.ip === null ? '' : `"ip":${JSON.stringify(raw.ip)},`;
    // A protected event is JSON.stringify's, on one line: nothing to guard against in the text after the head.
    return Buffer.from(`${start}"p":1,"x":${raw.raw === null ? 'null' : JSON.stringify(raw.raw)},${subject}${ip}${withoutIp}${raw.event}`, 'utf8');
  };
}

/** Throws when the record is not an envelope (a damaged or foreign record). */
export function decodeEnvelope(value: Buffer): Envelope {
  const text = value.toString('utf8');
  const cut = text.indexOf('\n');
  if (cut < 0) throw new Error('buffer record is not a Pond envelope (no header line)');
  const head = JSON.parse(text.slice(0, cut)) as Head;
  if (typeof head.s !== 'string' || typeof head.m !== 'string' || typeof head.r !== 'number')
    throw new Error('buffer record is not a Pond envelope (bad header)');
  const envelope = {
    stream: head.s,
    messageId: head.m,
    receivedAt: head.r,
    eventTime: head.t,
    deadLetter: head.d,
    source: head.src,
    ip: head.ip ?? null,
    userAgent: head.ua ?? null,
    raw: text.slice(cut + 1),
  };
  if (head.p === undefined) return envelope;
  if (head.p !== 1 || (head.x !== null && typeof head.x !== 'string') || (head.u !== undefined && typeof head.u !== 'string')) {
    throw new Error(
      `buffer record is not a Pond envelope this version reads (protection ${JSON.stringify(head.p)}); land it with the Pond version that collected it`,
    );
  }
  return { ...envelope, raw: head.x, protected: { event: envelope.raw, subject: head.u ?? null } };
}
