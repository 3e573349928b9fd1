/**
 * The verdict on one event of a stream, given when it is received: it belongs
 * in the stream (at its event time), or in the dead letters (with the reason).
 * The collector tells the client this verdict, and the lander keeps to it.
 */
import type { StreamModel } from '../config/index.ts';

export type Verdict = { readonly time: number; readonly reason?: undefined } | { readonly reason: string; readonly time?: undefined };

/**
 * @example
 * classifyEvent(stream, { time_utc: '2026-11-23T19:04:05Z', … }, Date.now(), 86_400_000) // { time: 1795460645000 }
 * classifyEvent(stream, { time_utc: 'soon' }, Date.now(), 86_400_000) // { reason: 'time_utc: missing or not a valid time …' }
 */
export function classifyEvent(stream: StreamModel, value: unknown, receivedAt: number, maxClockSkewMs: number): Verdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { reason: `not a JSON object (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})` };
  }
  const invalid = stream.validate(value);
  if (invalid !== undefined) return { reason: `does not match schema ${stream.schemaFile}: ${invalid}` };
  const badNumber = unrepresentableNumber(value, '');
  if (badNumber !== undefined) return { reason: badNumber };
  const field = stream.timeField.join('.');
  const time = readTime(value, stream.timeField);
  if (time === undefined) return { reason: `${field}: missing or not a valid time (use ISO 8601, e.g. 2026-11-23T19:04:05Z)` };
  if (stream.startMs !== null && time < stream.startMs) {
    return { reason: `${field}: ${new Date(time).toISOString()} is before the stream's start ${new Date(stream.startMs).toISOString()}` };
  }
  if (time - receivedAt > maxClockSkewMs) {
    return {
      reason: `${field}: ${new Date(time).toISOString()} is ${formatAhead(time - receivedAt)} ahead of the time it was received; fix the sender's clock (the limit is collect.maxClockSkew)`,
    };
  }
  return { time };
}

/**
 * Numbers JavaScript cannot hold exactly (and DuckDB could not store as
 * written): infinities from `1e400`, and whole numbers past 2^53. A path names
 * the first one; such values should be sent as strings.
 */
function unrepresentableNumber(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${path || 'value'}: number out of range; send it as a string`;
    if (Number.isInteger(value) && !Number.isSafeInteger(value))
      return `${path || 'value'}: whole number ${value} is larger than 2^53 and would lose digits; send it as a string`;
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unrepresentableNumber(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key in value) {
    const found = unrepresentableNumber((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

/** The event's own `messageId` (its identity for dedup), when it is a non-empty string. */
export function messageIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as Record<string, unknown>).messageId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function readTime(value: unknown, path: readonly string[]): number | undefined {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current === 'number' && Number.isFinite(current)) return current;
  if (typeof current !== 'string') return undefined;
  const ms = Date.parse(current);
  return Number.isNaN(ms) ? undefined : ms;
}

function formatAhead(ms: number): string {
  const days = ms / 86_400_000;
  if (days >= 365) return `${(days / 365).toFixed(1)} years`;
  if (days >= 1) return `${days.toFixed(1)} days`;
  return `${(ms / 3_600_000).toFixed(1)} hours`;
}
