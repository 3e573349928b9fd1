/**
 * The verdict on one event of a stream, given when it is received: it belongs
 * in the stream (at its event time), or in the dead letters (with the reason).
 * The collector tells the client this verdict, and the lander keeps to it:
 * an event accepted here lands. So what the lake cannot store is found here
 * too — text with a lone surrogate (`"a\ud800b"` is valid JSON, but no
 * Unicode: DuckDB, Parquet and PostgreSQL refuse it), numbers past what
 * JavaScript holds exactly, a date-time its timestamp columns refuse.
 *
 * A reason quotes the offending value, except in a field that holds personal
 * data (the stream's identifiers and personal fields): dead letters of such
 * streams keep nothing of the event in clear.
 */
import type { StreamModel } from '../config/index.ts';
import { isStorableTimestamp, loneSurrogateAt, MASKED_VALUE, shownValue, timestampPaths, wellFormed } from '../schema/index.ts';

export type Verdict = { readonly time: number; readonly reason?: undefined } | { readonly reason: string; readonly time?: undefined };

/**
 * @example
 * classifyEvent(stream, { time_utc: '2026-11-23T19:04:05Z', … }, Date.now(), 86_400_000) // { time: 1795460645000 }
 * classifyEvent(stream, { time_utc: 'soon' }, Date.now(), 86_400_000) // { reason: 'time_utc: missing or not a valid time …' }
 *
 * `raw`, the event's text when the caller has it, spares the look for lone
 * surrogates when it holds no `\u` escape.
 */
export function classifyEvent(stream: StreamModel, value: unknown, receivedAt: number, maxClockSkewMs: number, raw?: string): Verdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { reason: `not a JSON object (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})` };
  }
  const personal = personalFieldsOf(stream);
  // Before the schema: its reasons quote values, and a reason must be text the lake can store.
  // Text as valid UTF-8 cannot hold a lone surrogate: only an escape (`\\ud800`) makes one, so without any, text needs no look.
  const unstorable = unstorableValue(value, '', personal, raw === undefined || raw.includes('\\u'));
  if (unstorable !== undefined) return { reason: unstorable };
  const invalid = stream.validate(value, personal);
  if (invalid !== undefined) return { reason: `does not match schema ${stream.schemaFile}: ${invalid}` };
  const badTimestamp = unstorableTimestamp(value, timestampPathsOf(stream), personal);
  if (badTimestamp !== undefined) return { reason: badTimestamp };
  const field = stream.timeField.join('.');
  const time = readTime(value, stream.timeField);
  if (time === undefined) {
    const sent = readPath(value, stream.timeField);
    const got = sent === undefined ? 'missing' : personal.has(stream.timeField[0] as string) ? MASKED_VALUE : shownValue(sent);
    return { reason: `${field}: missing or not a valid time (use ISO 8601, e.g. 2026-11-23T19:04:05Z); got ${got}` };
  }
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

/** The top-level fields of a stream whose values a reason must not quote, made once per stream. */
const personalFields = new WeakMap<StreamModel, ReadonlySet<string>>();
function personalFieldsOf(stream: StreamModel): ReadonlySet<string> {
  let set = personalFields.get(stream);
  if (!set) personalFields.set(stream, (set = new Set([...stream.pii.identifiers, ...stream.pii.personal])));
  return set;
}

/** Where a stream's columns hold timestamps, found once per stream. */
const timestampFields = new WeakMap<StreamModel, readonly (readonly string[])[]>();
function timestampPathsOf(stream: StreamModel): readonly (readonly string[])[] {
  let paths = timestampFields.get(stream);
  if (!paths) timestampFields.set(stream, (paths = timestampPaths(stream.schema)));
  return paths;
}

/**
 * A `date-time` the schema allows but the lake's timestamp columns do not
 * (a lowercase `t` or `z`, a leap second): the first one found, with its path.
 */
function unstorableTimestamp(value: unknown, paths: readonly (readonly string[])[], personal: ReadonlySet<string>): string | undefined {
  for (const path of paths) {
    const found = firstAt(value, path, 0, '', (text) => typeof text === 'string' && !isStorableTimestamp(text));
    if (found === undefined) continue;
    const shown = personal.has(path[0] as string) ? MASKED_VALUE : shownValue(found.value);
    return `${wellFormed(found.at)}: ${shown} is a date-time the lake cannot store as a timestamp; write it as 2026-11-23T19:04:05Z (T and Z in capitals, seconds 00 to 59)`;
  }
  return undefined;
}

/** The first value at `path` (`[]`: every item of a list) that `bad` holds for, with where it is. */
function firstAt(value: unknown, path: readonly string[], i: number, at: string, bad: (v: unknown) => boolean): { value: unknown; at: string } | undefined {
  if (i === path.length) return bad(value) ? { value, at } : undefined;
  const part = path[i] as string;
  if (part === '[]') {
    if (!Array.isArray(value)) return undefined;
    for (let k = 0; k < value.length; k++) {
      const found = firstAt(value[k], path, i + 1, `${at}[${k}]`, bad);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
  return firstAt((value as Record<string, unknown>)[part], path, i + 1, at ? `${at}.${part}` : part, bad);
}

/**
 * What no column can store as sent, found in one walk over the event: text
 * (a value or a key) with a lone surrogate, infinities from `1e400`, and whole
 * numbers past 2^53 (JavaScript cannot hold them exactly, and DuckDB could not
 * store them as written). A path names the first one; `top` is the top-level
 * field the walk is in, whose class decides whether the value is quoted.
 */
function unstorableValue(value: unknown, path: string, personal: ReadonlySet<string>, texts: boolean, top?: string): string | undefined {
  if (typeof value === 'string') return texts ? loneSurrogate(value, path, 'text') : undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${path || 'value'}: number out of range; send it as a string`;
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      const shown = top !== undefined && personal.has(top) ? 'a whole number' : `whole number ${value}`;
      return `${path || 'value'}: ${shown} is larger than 2^53 and would lose digits; send it as a string`;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableValue(value[i], `${path}[${i}]`, personal, texts, top);
      if (found) return found;
    }
    return undefined;
  }
  for (const key in value) {
    const at = path ? `${path}.${key}` : key;
    const found =
      (texts ? loneSurrogate(key, at, 'the name of a field') : undefined) ??
      unstorableValue((value as Record<string, unknown>)[key], at, personal, texts, top ?? key);
    if (found) return found;
  }
  return undefined;
}

/** Why `text` cannot be stored, when it holds a lone surrogate; the reason quotes only the surrogate's code and place. */
function loneSurrogate(text: string, path: string, what: string): string | undefined {
  const at = loneSurrogateAt(text);
  if (at < 0) return undefined;
  const code = `\\u${text.charCodeAt(at).toString(16)}`;
  return (
    `${wellFormed(path) || 'value'}: ${what} holds a lone surrogate (${code} at character ${at}), which is not Unicode: no column can store it; ` +
    'send well-formed text (a character outside the BMP as its surrogate pair, e.g. \\ud83d\\ude00, or as itself)'
  );
}

/**
 * The event's own `messageId` (its identity for dedup), when it is a
 * non-empty string that the lake can store (no lone surrogate).
 */
export function messageIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as Record<string, unknown>).messageId;
  return typeof id === 'string' && id !== '' && loneSurrogateAt(id) < 0 ? id : undefined;
}

function readPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function readTime(value: unknown, path: readonly string[]): number | undefined {
  const current = readPath(value, path);
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
