/**
 * How the collector puts an event in the buffer, and how the lander reads it
 * back: a line of JSON with what was learned on receipt (stream, messageId,
 * receipt time, the verdict, source, client IP and user agent), then the
 * event exactly as it will be kept in the lake. The event text is never
 * re-encoded, so what the client sent is what lands.
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
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  /** The event as it is kept. */
  readonly raw: string;
}

interface Head {
  s: string;
  m: string;
  r: number;
  t?: number;
  d?: string;
  src: string;
  ip?: string | null;
  ua?: string | null;
}

export function encodeEnvelope(e: Envelope): Buffer {
  const head: Head = { s: e.stream, m: e.messageId, r: e.receivedAt, src: e.source };
  if (e.eventTime !== undefined) head.t = e.eventTime;
  if (e.deadLetter !== undefined) head.d = e.deadLetter;
  if (e.ip) head.ip = e.ip;
  if (e.userAgent) head.ua = e.userAgent;
  // JSON.stringify never writes a raw newline, so the first one ends the head.
  return Buffer.from(`${JSON.stringify(head)}\n${e.raw}`, 'utf8');
}

/** Throws when the record is not an envelope (a damaged or foreign record). */
export function decodeEnvelope(value: Buffer): Envelope {
  const text = value.toString('utf8');
  const cut = text.indexOf('\n');
  if (cut < 0) throw new Error('buffer record is not a Pond envelope (no header line)');
  const head = JSON.parse(text.slice(0, cut)) as Head;
  if (typeof head.s !== 'string' || typeof head.m !== 'string' || typeof head.r !== 'number') throw new Error('buffer record is not a Pond envelope (bad header)');
  return {
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
}
