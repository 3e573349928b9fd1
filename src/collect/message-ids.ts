/**
 * The identity of each event of a request, for dedup at landing: a retry must
 * land nothing twice. Segment calls carry their own `messageId`; a native
 * event may too (a field `messageId`, when its schema has one) — but the
 * schemas of native streams are the senders' own and often closed, so the
 * native API takes the identity beside the events, never in them:
 *
 * - `Idempotency-Key: K` (the header of the IETF draft of that name) names
 *   the request's events: the event at index `i` of the body (the index the
 *   answer's `errors` use) gets messageId `K:i`.
 * - `X-Pond-First-Index: n` shifts the numbers, so that a sender that splits
 *   a file into requests can keep one numbering for all of it: the event at
 *   index `i` gets `K:(n + i)`. `pond send` sends `K` = the file's content
 *   identity and `n` = the line of the request's first event, so each event's
 *   messageId is its file and line however the file is batched.
 *
 * An event's own `messageId` wins over the header's; without either, the
 * collector makes a random one (and a retry can then land twice).
 *
 * The event's text is never touched: it lands exactly as sent.
 */

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const FIRST_INDEX_HEADER = 'x-pond-first-index';

const MAX_KEY_CHARACTERS = 200;

/** The messageId of the event at index `i` of the request, or undefined without a header. */
export type MessageIdOf = (index: number) => string | undefined;

/**
 * The request's event ids as its headers name them; `{ error }` when a header
 * is malformed (a 400: a retry cannot fix it).
 *
 * @example
 * const ids = requestMessageIds({ 'idempotency-key': 'f3a9c2:send', 'x-pond-first-index': '41' });
 * ids.messageIdOf(0) // 'f3a9c2:send:41'
 */
export function requestMessageIds(headers: Readonly<Record<string, string | string[] | undefined>>): { messageIdOf: MessageIdOf } | { error: string } {
  const key = single(headers[IDEMPOTENCY_KEY_HEADER]);
  const first = single(headers[FIRST_INDEX_HEADER]);
  if (key === undefined) {
    if (first !== undefined) return { error: `${FIRST_INDEX_HEADER} needs ${IDEMPOTENCY_KEY_HEADER}: it numbers the ids that key names` };
    return { messageIdOf: () => undefined };
  }
  const trimmed = key.trim();
  if (trimmed === '' || trimmed.length > MAX_KEY_CHARACTERS || !/^[\x21-\x7e]+$/.test(trimmed)) {
    return {
      error: `${IDEMPOTENCY_KEY_HEADER} must be 1 to ${MAX_KEY_CHARACTERS} visible ASCII characters without spaces (e.g. a UUID); got ${JSON.stringify(key.slice(0, 40))}`,
    };
  }
  let offset = 0;
  if (first !== undefined) {
    if (!/^\d{1,15}$/.test(first.trim())) return { error: `${FIRST_INDEX_HEADER} must be a whole number ≥ 0; got ${JSON.stringify(first.slice(0, 40))}` };
    offset = Number(first.trim());
  }
  return { messageIdOf: (index) => `${trimmed}:${offset + index}` };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
