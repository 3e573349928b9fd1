/**
 * Splits a collector request body into events: a JSON array, newline-delimited
 * JSON, or one JSON object (the Segment endpoints). Runs on every request, so it
 * scans the body's bytes once with a hand-written loop that only tracks strings
 * and nesting, and leaves the grammar to `JSON.parse` on each event's slice.
 *
 * Each event keeps its exact source text (`raw`): re-stringifying a parsed value
 * would turn `123456789012345678901234` into `1.2345678901234568e+23` and
 * `1e400` into `null`, and the lake stores what was sent.
 *
 * The scanner walks the `Buffer`, not a decoded string: every structural JSON
 * character is ASCII and UTF-8 never uses ASCII bytes inside a multi-byte
 * sequence, so byte positions are exact for messages and for the size limit,
 * and each event is decoded straight from its own slice (each byte is decoded
 * once, and `raw` does not pin the whole body in memory as a sliced string would).
 */

import { isUtf8 } from 'node:buffer';
import { PondError } from '../errors/index.ts';

/** How the body is framed; `'auto'` tells a JSON array from NDJSON by its first character. */
export type BodyFormat = 'json-array' | 'ndjson' | 'auto' | 'object';

export interface SplitBodyOptions {
  readonly format: BodyFormat;
  /**
   * Largest event, in UTF-8 bytes of its source text. For `'object'` it limits
   * the whole body, so a `/v1/batch` caller passes its batch limit here.
   */
  readonly maxEventBytes: number;
  /** Deepest nesting of objects and arrays inside one event (the event itself is level 1), e.g. 64. */
  readonly maxDepth: number;
}

export interface SplitEvent {
  /** 0-based event number in the body (blank NDJSON lines are not counted). */
  readonly index: number;
  /** 1-based line of the body where the event starts, for NDJSON; `null` for arrays and objects. */
  readonly line: number | null;
  /** The event's exact source text. */
  readonly raw: string;
  /** `JSON.parse(raw)`. */
  readonly value: unknown;
  /**
   * The event is valid JSON but not an object (an array, string, number,
   * boolean or null). That is the event's fault, not the request's: the caller
   * dead-letters it and accepts the rest of the body.
   */
  readonly notObject: boolean;
}

export interface SplitResult {
  /** The framing found; `'auto'` resolves to `'json-array'` or `'ndjson'`. */
  readonly format: 'json-array' | 'ndjson' | 'object';
  /**
   * Events in body order. The objects are not frozen: this runs for every event
   * at full ingest rate, and the caller only reads them.
   */
  readonly events: readonly SplitEvent[];
}

/**
 * The whole request is unusable: the client must fix it before sending again.
 * A `PondError` with code `BAD_INPUT`, whose HTTP status is `status` (413 when
 * an event is too large, which the shared code table has no code for).
 *
 * @example
 * throw new BodyError(413, 'event at index 7 is 40123 bytes; the limit is 32768');
 */
export class BodyError extends PondError {
  readonly status: 400 | 413;
  /** What was wrong and where; the same text as `message`. */
  readonly reason: string;

  constructor(status: 400 | 413, reason: string, options: { hint?: string; cause?: unknown } = {}) {
    super('BAD_INPUT', reason, { ...options, retryable: false });
    this.name = 'BodyError';
    this.status = status;
    this.reason = reason;
  }

  override get httpStatus(): number {
    return this.status;
  }
}

/**
 * Splits a request body into events, each with its exact source text and its
 * parsed value. Throws `BodyError` when the request as a whole is unusable:
 * not UTF-8, not JSON, nested too deep, or an event over the size limit.
 *
 * @example
 * splitBody(Buffer.from('[{"n":1},{"n":123456789012345678901234}]'), { format: 'auto', maxEventBytes: 32_768, maxDepth: 64 })
 * // { format: 'json-array', events: [
 * //   { index: 0, line: null, raw: '{"n":1}', value: { n: 1 }, notObject: false },
 * //   { index: 1, line: null, raw: '{"n":123456789012345678901234}', value: { n: 1.2345678901234568e+23 }, notObject: false } ] }
 *
 * @example
 * splitBody(Buffer.from('{"a":1}\r\n\r\n[2]\n'), { format: 'ndjson', maxEventBytes: 32_768, maxDepth: 64 }).events
 * // [ { index: 0, line: 1, raw: '{"a":1}', … notObject: false }, { index: 1, line: 3, raw: '[2]', … notObject: true } ]
 */
export function splitBody(body: Buffer, options: SplitBodyOptions): SplitResult {
  if (!isUtf8(body)) {
    throw new BodyError(400, `body is not valid UTF-8 (first invalid byte at ${firstInvalidUtf8Byte(body)})`, {
      hint: 'encode the body as UTF-8',
    });
  }
  const end = body.length;
  const hasBom = end >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  const start = skipWhitespace(body, hasBom ? 3 : 0, end);
  const first = start < end ? body[start] : undefined;
  const scan: Scan = { body, maxEventBytes: options.maxEventBytes, maxDepth: options.maxDepth };

  switch (options.format) {
    case 'object':
      return { format: 'object', events: [splitObject(scan, start, end)] };
    case 'json-array':
      return { format: 'json-array', events: first === undefined ? [] : splitArray(scan, start, end) };
    case 'ndjson':
      return { format: 'ndjson', events: splitLines(scan, hasBom ? 3 : 0, end) };
    case 'auto':
      if (first === OPEN_BRACKET) return { format: 'json-array', events: splitArray(scan, start, end) };
      if (first === OPEN_BRACE) {
        // One object alone, even pretty-printed over many lines, is one event;
        // anything after it means the body is NDJSON.
        const line = lineAt(body, start);
        const stop = valueEnd(scan, start, end, 0, line);
        if (stop === -1) throw unexpectedEnd(place(0, line));
        if (skipWhitespace(body, stop, end) === end) {
          return { format: 'ndjson', events: [toEvent(scan, start, stop, 0, line)] };
        }
      }
      return { format: 'ndjson', events: splitLines(scan, hasBom ? 3 : 0, end) };
  }
}

/**
 * Byte offset of the first byte of the first invalid UTF-8 sequence, or -1.
 * Only called once `isUtf8` has said no, so speed does not matter here; it
 * rejects what `isUtf8` rejects: overlong forms, surrogates, code points past
 * U+10FFFF and cut-off sequences.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let follow: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) follow = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      follow = 2;
      if (lead === 0xe0) low = 0xa0; // overlong
      if (lead === 0xed) high = 0x9f; // UTF-16 surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      follow = 3;
      if (lead === 0xf0) low = 0x90; // overlong
      if (lead === 0xf4) high = 0x8f; // past U+10FFFF
    } else return i;
    for (let k = 1; k <= follow; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += follow + 1;
  }
  return -1;
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

interface Scan {
  readonly body: Buffer;
  readonly maxEventBytes: number;
  readonly maxDepth: number;
}

function splitArray(scan: Scan, start: number, end: number): SplitEvent[] {
  const { body } = scan;
  if (body[start] !== OPEN_BRACKET) {
    throw new BodyError(400, `body is not a JSON array: it starts with ${describeByte(body, start)} at byte ${start}`, {
      hint: 'send a JSON array of events, or NDJSON with one event per line',
    });
  }
  const events: SplitEvent[] = [];
  let i = skipWhitespace(body, start + 1, end);
  if (i < end && body[i] === CLOSE_BRACKET) {
    expectEnd(body, i + 1, end, 'array');
    return events;
  }
  for (let index = 0; ; index++) {
    if (i >= end) throw new BodyError(400, `body ends before the array is closed (after index ${index - 1}): not JSON: Unexpected end of JSON input`);
    const c = body[i];
    if (c === COMMA || c === CLOSE_BRACKET) {
      throw new BodyError(400, `index ${index}: not JSON: expected an event at byte ${i}, found ${describeByte(body, i)}`);
    }
    const stop = valueEnd(scan, i, end, index, null);
    if (stop === -1) throw unexpectedEnd(place(index, null));
    events.push(toEvent(scan, i, stop, index, null));
    i = skipWhitespace(body, stop, end);
    if (i >= end) throw new BodyError(400, `body ends before the array is closed (after index ${index}): not JSON: Unexpected end of JSON input`);
    const separator = body[i];
    if (separator === CLOSE_BRACKET) {
      expectEnd(body, i + 1, end, 'array');
      return events;
    }
    if (separator !== COMMA) {
      throw new BodyError(400, `index ${index}: not JSON: expected ',' or ']' after the event at byte ${i}, found ${describeByte(body, i)}`);
    }
    i = skipWhitespace(body, i + 1, end);
  }
}

function splitLines(scan: Scan, start: number, end: number): SplitEvent[] {
  const { body } = scan;
  const events: SplitEvent[] = [];
  let line = 0;
  for (let lineStart = start; lineStart < end;) {
    line++;
    let lineEnd = body.indexOf(LF, lineStart);
    if (lineEnd === -1) lineEnd = end;
    const first = skipWhitespace(body, lineStart, lineEnd);
    if (first < lineEnd) {
      let last = lineEnd;
      while (last > first && isWhitespace(body[last - 1] as number)) last--;
      // Only the depth check is wanted here: text after the first value stays
      // in the slice, and JSON.parse rejects it.
      if (valueEnd(scan, first, last, events.length, line) === -1) {
        throw unexpectedEnd(place(events.length, line), 'NDJSON needs each event on one line');
      }
      events.push(toEvent(scan, first, last, events.length, line));
    }
    lineStart = lineEnd + 1;
  }
  return events;
}

function splitObject(scan: Scan, start: number, end: number): SplitEvent {
  const { body } = scan;
  if (start >= end) throw new BodyError(400, 'empty body', { hint: 'send one JSON object' });
  if (body[start] !== OPEN_BRACE) {
    throw new BodyError(400, `body is not a JSON object: it starts with ${describeByte(body, start)} at byte ${start}`, {
      hint: 'send one JSON object',
    });
  }
  const stop = valueEnd(scan, start, end, -1, null);
  if (stop === -1) throw unexpectedEnd('body');
  const size = stop - start;
  if (size > scan.maxEventBytes) throw new BodyError(413, `body is ${size} bytes; the limit is ${scan.maxEventBytes}`);
  const raw = body.toString('utf8', start, stop);
  const value = parse(raw, -1, null);
  expectEnd(body, stop, end, 'JSON object');
  return { index: 0, line: null, raw, value, notObject: false };
}

function toEvent(scan: Scan, start: number, stop: number, index: number, line: number | null): SplitEvent {
  const size = stop - start;
  if (size > scan.maxEventBytes) {
    const which = line === null ? `at index ${index}` : `on line ${line}`;
    throw new BodyError(413, `event ${which} is ${size} bytes; the limit is ${scan.maxEventBytes}`, {
      hint: 'send smaller events',
    });
  }
  const raw = scan.body.toString('utf8', start, stop);
  const value = parse(raw, index, line);
  const notObject = typeof value !== 'object' || value === null || Array.isArray(value);
  return { index, line, raw, value, notObject };
}

function parse(raw: string, index: number, line: number | null): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new BodyError(400, `${place(index, line)}: not JSON: ${(error as Error).message}`, { cause: error });
  }
}

function unexpectedEnd(where: string, hint = 'the body was cut off: send it whole'): BodyError {
  return new BodyError(400, `${where}: not JSON: Unexpected end of JSON input`, { hint });
}

/**
 * The offset just past the JSON value that starts at `i` (a non-whitespace
 * byte), or -1 when a string, object or array is still open at `end`;
 * enforces the depth limit.
 * It finds boundaries only: whatever it accepts, `JSON.parse` checks.
 */
function valueEnd(scan: Scan, i: number, end: number, index: number, line: number | null): number {
  const { body, maxDepth } = scan;
  const first = body[i];
  if (first === QUOTE) return stringEnd(body, i + 1, end);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false, null or junk: up to the next delimiter.
    while (i < end) {
      const c = body[i] as number;
      if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isWhitespace(c)) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  while (i < end) {
    const c = body[i] as number;
    if (c === QUOTE) {
      i = stringEnd(body, i + 1, end);
      if (i === -1) return -1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        throw new BodyError(400, `${place(index, line)}: nesting deeper than ${maxDepth} levels at byte ${i}`);
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      // A `]` closing a `{` is not caught here: the slice then ends early and JSON.parse rejects it.
      if (--depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/** The offset just past the closing quote of a string whose content starts at `i`, or -1. */
function stringEnd(body: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = body[i];
    if (c === QUOTE) return i + 1;
    i += c === BACKSLASH ? 2 : 1;
  }
  return -1;
}

function skipWhitespace(body: Buffer, i: number, end: number): number {
  while (i < end && isWhitespace(body[i] as number)) i++;
  return i;
}

function isWhitespace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

function expectEnd(body: Buffer, i: number, end: number, what: string): void {
  const rest = skipWhitespace(body, i, end);
  if (rest < end) {
    throw new BodyError(400, `not JSON: unexpected ${describeByte(body, rest)} at byte ${rest} after the ${what}`, {
      hint: 'send one JSON array, or NDJSON with one event per line',
    });
  }
}

/** Where an event is, for messages: `line 3`, `index 7`, or `body` (index -1). */
function place(index: number, line: number | null): string {
  if (line !== null) return `line ${line}`;
  return index < 0 ? 'body' : `index ${index}`;
}

/** 1-based line of byte `i`. */
function lineAt(body: Buffer, i: number): number {
  let line = 1;
  for (let k = 0; k < i; k++) if (body[k] === LF) line++;
  return line;
}

function describeByte(body: Buffer, i: number): string {
  const c = body[i] as number;
  return c > 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * The exact source text of each message of a Segment batch body (`{"batch":
 * [ … ], …}`), in order — what a message that fails Segment's checks is kept
 * as; undefined when the body has no `batch` array. Call it only on a body
 * that `splitBody(…, { format: 'object' })` accepted: its JSON is valid, so
 * only the boundaries are looked for. As with `JSON.parse`, the last `batch`
 * key wins.
 *
 * @example
 * batchItemTexts(Buffer.from('{"batch": [ {"type": "track"} ,7], "sentAt": "…"}')) // ['{"type": "track"}', '7']
 */
export function batchItemTexts(body: Buffer): string[] | undefined {
  const end = body.length;
  const hasBom = end >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  let i = skipWhitespace(body, hasBom ? 3 : 0, end);
  if (body[i] !== OPEN_BRACE) return undefined;
  // The body passed the limits once: no depth or size is checked again.
  const scan: Scan = { body, maxEventBytes: Number.POSITIVE_INFINITY, maxDepth: Number.POSITIVE_INFINITY };
  let found: string[] | undefined;
  i = skipWhitespace(body, i + 1, end);
  while (i < end && body[i] === QUOTE) {
    const keyEnd = stringEnd(body, i + 1, end);
    if (keyEnd === -1) return undefined;
    const key = JSON.parse(body.toString('utf8', i, keyEnd)) as string;
    i = skipWhitespace(body, skipWhitespace(body, keyEnd, end) + 1, end); // past the ':'
    const stop = valueEnd(scan, i, end, -1, null);
    if (stop === -1) return undefined;
    if (key === 'batch') found = body[i] === OPEN_BRACKET ? elementTexts(body, scan, i, stop) : undefined;
    i = skipWhitespace(body, stop, end);
    if (body[i] === COMMA) i = skipWhitespace(body, i + 1, end);
  }
  return found;
}

/** The source text of each element of the array at `start` (its `[`), which ends before `stop`. */
function elementTexts(body: Buffer, scan: Scan, start: number, stop: number): string[] {
  const out: string[] = [];
  let i = skipWhitespace(body, start + 1, stop);
  while (i < stop && body[i] !== CLOSE_BRACKET) {
    const e = valueEnd(scan, i, stop, -1, null);
    out.push(body.toString('utf8', i, e));
    i = skipWhitespace(body, e, stop);
    if (body[i] === COMMA) i = skipWhitespace(body, i + 1, stop);
  }
  return out;
}
