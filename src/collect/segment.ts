/**
 * Segment-compatible messages: checks and completes one message the way
 * Segment's tracking API does, so that SDKs and tools written for Segment can
 * send to Pond unchanged (`POST /v1/batch`, `/v1/track`, `/v1/identify`, …).
 *
 * Completing a message means: the type from the endpoint, batch-level
 * `context` and `integrations` merged in, a `messageId` when there is none,
 * numeric ids as strings, and `timestamp` corrected for the client's clock
 * (`receivedAt − (sentAt − originalTimestamp)`), keeping the client's own
 * value as `originalTimestamp`. A message that fails the checks gets an error
 * to dead-letter it with; the rest of the batch goes on.
 */

import { SEGMENT_TYPES, type SegmentType } from '../config/index.ts';

export { SEGMENT_TYPES, type SegmentType };

/** What the request tells about a message beyond the message itself. */
export interface SegmentEnvelope {
  /** The endpoint's type for single calls (`/v1/track`); absent for `/v1/batch`. */
  readonly type?: SegmentType;
  /** `context` of a `/v1/batch` body; the message's own keys win. */
  readonly batchContext?: object;
  /** `integrations` of a `/v1/batch` body; the message's own keys win. */
  readonly batchIntegrations?: object;
  /** `sentAt` of a `/v1/batch` body; the message's own `sentAt` wins. */
  readonly sentAt?: unknown;
  /** When the collector received the request, in epoch milliseconds. */
  readonly receivedAt: number;
  /** Makes an id for a message sent without one. */
  readonly newMessageId: () => string;
}

export type NormalizedSegmentMessage = { readonly message: Record<string, unknown> } | { readonly error: string };

/**
 * Checks one Segment message and completes it. Returns the message with its
 * keys in the order `type, messageId, timestamp, originalTimestamp?, sentAt?,
 * receivedAt`, then the message's other keys as sent; or an error naming the
 * field that is wrong.
 *
 * @example
 * normalizeSegmentMessage(
 *   { event: 'Signed Up', userId: 42, timestamp: '2024-03-07T12:00:00.000Z', sentAt: '2024-03-07T12:00:10.000Z' },
 *   { type: 'track', receivedAt: Date.parse('2024-03-07T12:00:05.000Z'), newMessageId: () => 'm-1' },
 * )
 * // { message: { type: 'track', messageId: 'm-1', timestamp: '2024-03-07T11:59:55.000Z',
 * //   originalTimestamp: '2024-03-07T12:00:00.000Z', sentAt: '2024-03-07T12:00:10.000Z',
 * //   receivedAt: '2024-03-07T12:00:05.000Z', event: 'Signed Up', userId: '42' } }
 */
export function normalizeSegmentMessage(item: Record<string, unknown>, envelope: SegmentEnvelope): NormalizedSegmentMessage {
  const type = envelope.type ?? item.type;
  if (!isSegmentType(type)) return { error: `type must be one of ${SEGMENT_TYPES.join(', ')}; got ${show(type)}` };

  // Ids: Segment accepts numbers and stores them as strings.
  // Fields whose value the output replaces, keeping their place among the keys.
  const replaced = new Map<string, unknown>();
  for (const field of ['userId', 'anonymousId', 'groupId', 'previousId'] as const) {
    const value = item[field];
    if (value === undefined || value === null) continue;
    const id = asId(value);
    if (id === undefined) return { error: `${field} must be a non-empty string or a number; got ${show(value)}` };
    replaced.set(field, id);
  }
  if (!replaced.has('userId') && !replaced.has('anonymousId')) {
    return { error: 'userId or anonymousId is required (a non-empty string or a number)' };
  }
  if (type === 'track' && (typeof item.event !== 'string' || item.event === '')) {
    return { error: `event is required for track calls (a non-empty string); got ${show(item.event)}` };
  }
  if (type === 'group' && !replaced.has('groupId')) return { error: 'groupId is required for group calls' };
  if (type === 'alias' && !replaced.has('userId')) return { error: 'userId is required for alias calls: the new id' };
  if (type === 'alias' && !replaced.has('previousId')) return { error: 'previousId is required for alias calls: the old id' };

  for (const [field, batchValue] of [
    ['context', envelope.batchContext],
    ['integrations', envelope.batchIntegrations],
  ] as const) {
    const own = item[field] ?? undefined;
    if (own !== undefined && !isPlainObject(own)) return { error: `${field} must be an object; got ${show(own)}` };
    // The batch's value comes straight from the request body too, so it gets the same check.
    const batchLevel: unknown = batchValue ?? undefined;
    if (batchLevel !== undefined && !isPlainObject(batchLevel)) return { error: `${field} of the batch must be an object; got ${show(batchLevel)}` };
    // One level, as Segment does: a message's `context.device` replaces the batch's whole `device`.
    if (own !== undefined || batchLevel !== undefined) replaced.set(field, { ...batchLevel, ...own });
  }

  const originalTimestamp = item.timestamp ?? undefined;
  const sentAt = item.sentAt ?? envelope.sentAt ?? undefined;
  const clientTime = originalTimestamp === undefined ? undefined : parseIsoDate(originalTimestamp);
  if (clientTime === null) return { error: `timestamp: not a date: ${show(originalTimestamp)} (send an ISO 8601 date-time)` };
  const sentTime = sentAt === undefined ? undefined : parseIsoDate(sentAt);
  if (sentTime === null) return { error: `sentAt: not a date: ${show(sentAt)} (send an ISO 8601 date-time)` };
  let time = envelope.receivedAt;
  if (clientTime !== undefined) time = sentTime === undefined ? clientTime : envelope.receivedAt - (sentTime - clientTime);
  if (!isDateInRange(time)) return { error: `timestamp: out of range after correcting for the clock of the sender: ${show(originalTimestamp)}` };

  const message: Record<string, unknown> = {
    type,
    messageId: typeof item.messageId === 'string' && item.messageId !== '' ? item.messageId : envelope.newMessageId(),
    timestamp: new Date(time).toISOString(),
  };
  if (originalTimestamp !== undefined) message.originalTimestamp = originalTimestamp;
  if (sentAt !== undefined) message.sentAt = sentAt;
  message.receivedAt = new Date(envelope.receivedAt).toISOString();
  for (const key of Object.keys(item)) {
    if (OWN_KEYS.has(key)) continue;
    const value = replaced.has(key) ? replaced.get(key) : item[key];
    // Assigning `__proto__` would set the prototype; JSON.parse makes it an ordinary key, and so must we.
    if (key === '__proto__') Object.defineProperty(message, key, { value, enumerable: true, writable: true, configurable: true });
    else message[key] = value;
  }
  for (const field of ['context', 'integrations'] as const) {
    if (replaced.has(field) && !Object.hasOwn(message, field)) message[field] = replaced.get(field);
  }
  return { message };
}

/**
 * The user of a `Basic` Authorization header: Segment SDKs send the write key
 * as the user and an empty password. `undefined` when the header is missing,
 * not `Basic`, or not base64.
 *
 * @example
 * parseBasicAuthUser('Basic ' + Buffer.from('wk_123:').toString('base64')) // 'wk_123'
 * parseBasicAuthUser('Bearer abc') // undefined
 */
export function parseBasicAuthUser(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/_-]+={0,2})\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user === '' ? undefined : user;
}

export function isSegmentType(value: unknown): value is SegmentType {
  return typeof value === 'string' && (SEGMENT_TYPES as readonly string[]).includes(value);
}

/** Keys the output sets itself, ahead of the message's other keys. */
const OWN_KEYS = new Set(['type', 'messageId', 'timestamp', 'originalTimestamp', 'sentAt', 'receivedAt']);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?)?$/;

/**
 * Epoch milliseconds of an ISO 8601 date or date-time string, or `null`.
 * Stricter than `Date.parse`, which also reads `'March 7'` and `'1'`; a time
 * without a zone is read as UTC, not as the server's local time.
 */
function parseIsoDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const offset = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) return null;
  // Date.UTC reads years 0-99 as 1900-1999; 400 years later the calendar repeats.
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - FOUR_HUNDRED_YEARS_MS - offset * 60_000;
}

const FOUR_HUNDRED_YEARS_MS = 146_097 * 86_400_000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isDateInRange(time: number): boolean {
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15;
}

function asId(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a message: JSON, cut to a readable length. */
function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
