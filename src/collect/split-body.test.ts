import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import { BodyError, batchItemTexts, firstInvalidUtf8Byte, splitBody, type SplitBodyOptions } from './split-body.ts';

const limits = { maxEventBytes: 1_000, maxDepth: 64 };
const split = (text: string | Buffer, format: SplitBodyOptions['format'], more: Partial<SplitBodyOptions> = {}) =>
  splitBody(typeof text === 'string' ? Buffer.from(text) : text, { ...limits, format, ...more });

function throwsBodyError(f: () => unknown, status: 400 | 413, reason: string | RegExp): void {
  assert.throws(f, (error: unknown) => {
    assert.ok(error instanceof BodyError, `expected a BodyError, got ${String(error)}`);
    assert.equal(error.status, status);
    assert.equal(error.httpStatus, status);
    assert.equal(error.code, 'BAD_INPUT');
    if (typeof reason === 'string') assert.equal(error.reason, reason);
    else assert.match(error.reason, reason);
    return true;
  });
}

describe('splitBody: JSON arrays', () => {
  it('keeps each event’s exact source text, including digits JSON.parse would round', () => {
    const body = '[ {"n": 123456789012345678901234, "x": 1e400} ,\n  {"s":"a,b]}\\"{["}\t]\n';
    const { format, events } = split(body, 'json-array');
    assert.equal(format, 'json-array');
    assert.deepEqual(
      events.map((e) => e.raw),
      ['{"n": 123456789012345678901234, "x": 1e400}', '{"s":"a,b]}\\"{["}'],
    );
    assert.deepEqual(events[1], { index: 1, line: null, raw: '{"s":"a,b]}\\"{["}', value: { s: 'a,b]}"{[' }, notObject: false });
    assert.equal((events[0]?.value as { x: number }).x, Infinity);
  });

  it('returns no events for an empty body or an empty array', () => {
    assert.deepEqual(split('', 'json-array').events, []);
    assert.deepEqual(split(' \r\n', 'json-array').events, []);
    assert.deepEqual(split('[ ]', 'json-array').events, []);
  });

  it('flags events that are valid JSON but not objects instead of rejecting the body', () => {
    const { events } = split('[{"a":1}, [1], "s", 2, null, true]', 'json-array');
    assert.deepEqual(
      events.map((e) => [e.index, e.raw, e.notObject]),
      [
        [0, '{"a":1}', false],
        [1, '[1]', true],
        [2, '"s"', true],
        [3, '2', true],
        [4, 'null', true],
        [5, 'true', true],
      ],
    );
  });

  it('skips a leading byte order mark and keeps multi-byte text intact', () => {
    const { events } = split('\uFEFF[{"name":"Zoë 🐙"}]', 'json-array');
    assert.deepEqual(events[0]?.value, { name: 'Zoë 🐙' });
  });

  it('rejects malformed JSON naming the event index', () => {
    throwsBodyError(() => split('[{"a":1},{"a":}]', 'json-array'), 400, /^index 1: not JSON: /);
    throwsBodyError(() => split('[{"a":1} {"b":2}]', 'json-array'), 400, "index 0: not JSON: expected ',' or ']' after the event at byte 9, found '{'");
    throwsBodyError(() => split('[{"a":1},,{"b":2}]', 'json-array'), 400, "index 1: not JSON: expected an event at byte 9, found ','");
    throwsBodyError(() => split('[{"a":1},]', 'json-array'), 400, "index 1: not JSON: expected an event at byte 9, found ']'");
    throwsBodyError(() => split('[{"a":[1}]]', 'json-array'), 400, /^index 0: not JSON: /);
    throwsBodyError(() => split('[{]}', 'json-array'), 400, /^index 0: not JSON: /);
    throwsBodyError(() => split('[{"a":1}] x', 'json-array'), 400, "not JSON: unexpected 'x' at byte 10 after the array");
    throwsBodyError(() => split('{"a":1}', 'json-array'), 400, "body is not a JSON array: it starts with '{' at byte 0");
  });

  it('rejects a truncated body', () => {
    throwsBodyError(() => split('[{"a":1},{"b":"x', 'json-array'), 400, 'index 1: not JSON: Unexpected end of JSON input');
    throwsBodyError(() => split('[{"a":1},{"b":[2', 'json-array'), 400, 'index 1: not JSON: Unexpected end of JSON input');
    throwsBodyError(() => split('[{"a":1}', 'json-array'), 400, /^body ends before the array is closed \(after index 0\)/);
    throwsBodyError(() => split('[1, 2', 'json-array'), 400, /^body ends before the array is closed \(after index 1\)/);
    throwsBodyError(() => split('[', 'json-array'), 400, /^body ends before the array is closed/);
  });

  it('limits the size of each event in UTF-8 bytes', () => {
    const event = JSON.stringify({ s: 'é'.repeat(40) }); // 48 characters, 88 bytes
    assert.equal(split(`[${event}]`, 'json-array', { maxEventBytes: 88 }).events.length, 1);
    throwsBodyError(() => split(`[{"a":1}, ${event}]`, 'json-array', { maxEventBytes: 87 }), 413, 'event at index 1 is 88 bytes; the limit is 87');
  });

  it('limits nesting, counting the event itself as level 1', () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    assert.equal(split(`[${nested(3)}]`, 'json-array', { maxDepth: 3 }).events.length, 1);
    throwsBodyError(() => split(`[{}, ${nested(4)}]`, 'json-array', { maxDepth: 3 }), 400, 'index 1: nesting deeper than 3 levels at byte 8');
    // Brackets inside strings are text, not nesting.
    assert.equal(split(`[{"s":"${'['.repeat(100)}"}]`, 'json-array', { maxDepth: 1 }).events.length, 1);
    // Rejected before JSON.parse ever sees it.
    throwsBodyError(() => split(`[${nested(1_000_000)}]`, 'json-array', { maxEventBytes: 3_000_000 }), 400, /nesting deeper than 64 levels at byte 65$/);
  });

  it('rejects a body that is not UTF-8, pointing at the first bad byte', () => {
    const body = Buffer.concat([Buffer.from('[{"a":"ok é"},{"b":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]')]);
    throwsBodyError(() => split(body, 'json-array'), 400, 'body is not valid UTF-8 (first invalid byte at 21)');
  });
});

describe('splitBody: NDJSON', () => {
  it('numbers events without blank lines and keeps line numbers for messages', () => {
    const { format, events } = split('{"a":1}\r\n\r\n  \n{"b":2}  \r\n[3]', 'ndjson');
    assert.equal(format, 'ndjson');
    assert.deepEqual(
      events.map((e) => [e.index, e.line, e.raw, e.notObject]),
      [
        [0, 1, '{"a":1}', false],
        [1, 4, '{"b":2}', false],
        [2, 5, '[3]', true],
      ],
    );
  });

  it('names the line of a bad event', () => {
    throwsBodyError(() => split('{"a":1}\n\nnope\n', 'ndjson'), 400, /^line 3: not JSON: Unexpected token/);
    throwsBodyError(() => split('{"a":1}\n{"b":', 'ndjson'), 400, 'line 2: not JSON: Unexpected end of JSON input');
    throwsBodyError(() => split('{"a":1}\n{\n"b":2}', 'ndjson'), 400, 'line 2: not JSON: Unexpected end of JSON input');
    throwsBodyError(() => split('{"a":"x\n"}', 'ndjson'), 400, 'line 1: not JSON: Unexpected end of JSON input');
    throwsBodyError(() => split('{"a":1} {"b":2}', 'ndjson'), 400, /^line 1: not JSON: Unexpected non-whitespace character/);
    throwsBodyError(() => split('{}\n{"x":[[[[]]]]}', 'ndjson', { maxDepth: 4 }), 400, 'line 2: nesting deeper than 4 levels at byte 11');
    throwsBodyError(() => split('{}\n{"aaaaaa":1}\n', 'ndjson', { maxEventBytes: 10 }), 413, 'event on line 2 is 12 bytes; the limit is 10');
  });

  it('returns no events for an empty body', () => {
    assert.deepEqual(split('\n\r\n', 'ndjson').events, []);
  });
});

describe('splitBody: auto', () => {
  it('reads a body that starts with [ as a JSON array', () => {
    const { format, events } = split('\n [{"a":1},{"b":2}]', 'auto');
    assert.equal(format, 'json-array');
    assert.equal(events.length, 2);
  });

  it('reads objects on several lines as NDJSON', () => {
    const { format, events } = split('{"a":1}\n{"b":2}\n', 'auto');
    assert.equal(format, 'ndjson');
    assert.deepEqual(
      events.map((e) => e.line),
      [1, 2],
    );
  });

  it('reads a single object, even pretty-printed, as one event', () => {
    const { format, events } = split('\n{\n  "a": 1,\n  "b": [2]\n}\n', 'auto');
    assert.equal(format, 'ndjson');
    assert.deepEqual(events, [{ index: 0, line: 2, raw: '{\n  "a": 1,\n  "b": [2]\n}', value: { a: 1, b: [2] }, notObject: false }]);
  });

  it('names the line of a truncated single object', () => {
    throwsBodyError(() => split('\n\n{"a":[1,', 'auto'), 400, 'line 3: not JSON: Unexpected end of JSON input');
  });

  it('returns no events for an empty body', () => {
    assert.deepEqual(split('', 'auto').events, []);
  });
});

describe('splitBody: one object', () => {
  it('returns the body as one event', () => {
    const { format, events } = split('\uFEFF {"batch":[{"type":"track"}]} \n', 'object');
    assert.equal(format, 'object');
    assert.deepEqual(events, [{ index: 0, line: null, raw: '{"batch":[{"type":"track"}]}', value: { batch: [{ type: 'track' }] }, notObject: false }]);
  });

  it('rejects an empty body, anything but an object, and text after it', () => {
    throwsBodyError(() => split('  ', 'object'), 400, 'empty body');
    throwsBodyError(() => split('[{}]', 'object'), 400, "body is not a JSON object: it starts with '[' at byte 0");
    throwsBodyError(() => split('{} {}', 'object'), 400, "not JSON: unexpected '{' at byte 3 after the JSON object");
    throwsBodyError(() => split('{"a":', 'object'), 400, 'body: not JSON: Unexpected end of JSON input');
    throwsBodyError(() => split('{"a":"', 'object'), 400, 'body: not JSON: Unexpected end of JSON input');
    throwsBodyError(() => split('{"a":"bcd"}', 'object', { maxEventBytes: 10 }), 413, 'body is 11 bytes; the limit is 10');
  });
});

describe('firstInvalidUtf8Byte', () => {
  it('finds the first bad sequence', () => {
    const at = (...bytes: number[]) => firstInvalidUtf8Byte(Uint8Array.from(bytes));
    assert.equal(at(0x61, 0xc3, 0xa9, 0x62), -1);
    assert.equal(at(0x61, 0xff), 1);
    assert.equal(at(0x61, 0xc0, 0x80), 1); // overlong NUL
    assert.equal(at(0xe0, 0x80, 0x80), 0); // overlong
    assert.equal(at(0xed, 0xa0, 0x80), 0); // a surrogate
    assert.equal(at(0xf4, 0x90, 0x80, 0x80), 0); // past U+10FFFF
    assert.equal(at(0x61, 0xe2, 0x82), 1); // cut off
  });

  it('agrees with isUtf8 on random bytes', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 5_000; round++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 8) }, () => (random() < 0.5 ? 0x61 : 0x80 + Math.floor(random() * 0x80)));
      assert.equal(firstInvalidUtf8Byte(bytes) === -1, isUtf8(bytes), `bytes ${Buffer.from(bytes).toString('hex')}`);
    }
  });
});

describe('batchItemTexts', () => {
  it("gives each message of a Segment batch as sent, spacing and escapes included; the last 'batch' wins", () => {
    const body = '\ufeff { "sentAt": "x", "batch" : [ {"type" :"track", "a":"\\u00e9]"} ,7 , "s,]" ,[1,{"b":[2]}]] }';
    assert.deepEqual(batchItemTexts(Buffer.from(body)), ['{"type" :"track", "a":"\\u00e9]"}', '7', '"s,]"', '[1,{"b":[2]}]']);
    assert.deepEqual(batchItemTexts(Buffer.from('{"batch":[{"a":1}],"b\\u0061tch":[]}')), []);
    assert.equal(batchItemTexts(Buffer.from('{"batch":{"a":1}}')), undefined);
    assert.equal(batchItemTexts(Buffer.from('{"type":"track"}')), undefined);
  });
});
