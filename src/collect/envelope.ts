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
}

/**
 * An encoder for the events of one request: what they share (receipt time,
 * source, IP, user agent) is written as JSON once, so each event costs only
 * its own fields and one copy of its text.
 */
export function receiptEncoder(receipt: Pick<Envelope, 'receivedAt' | 'source' | 'ip' | 'userAgent'>): (stream: string, messageId: string, eventTime: number | undefined, deadLetter: string | undefined, raw: string) => Buffer {
  let shared = `"r":${receipt.receivedAt},"src":${JSON.stringify(receipt.source)}`;
  if (receipt.ip) shared += `,"ip":${JSON.stringify(receipt.ip)}`;
  if (receipt.userAgent) shared += `,"ua":${JSON.stringify(receipt.userAgent)}`;
  shared += '}\n';
  return (stream, messageId, eventTime, deadLetter, raw) => {
    const verdict = eventTime !== undefined ? `"t":${eventTime},` : deadLetter !== undefined ? `"d":${JSON.stringify(deadLetter)},` : '';
    // JSON.stringify never writes a raw newline, so the first one ends the head.
    return Buffer.from(`{"s":${JSON.stringify(stream)},"m":${JSON.stringify(messageId)},${verdict}${shared}${raw}`, 'utf8');
  };
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
