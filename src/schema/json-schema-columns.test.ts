import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStorableTimestamp, timestampPaths } from './json-schema-columns.ts';

describe('timestampPaths', () => {
  it('finds the date-time strings of the columns, nested in objects and lists', () => {
    const schema = {
      type: 'object',
      properties: {
        at: { type: ['string', 'null'], format: 'date-time' },
        name: { type: 'string' },
        visits: { type: 'array', items: { type: 'object', properties: { start: { type: 'string', format: 'date-time' }, page: { type: 'string' } } } },
        meta: { type: 'object', properties: { seen: { type: 'string', format: 'date-time' } } },
        loose: { type: 'object' },
      },
    };
    assert.deepEqual(timestampPaths(schema), [['at'], ['visits', '[]', 'start'], ['meta', 'seen']]);
  });

  it('leaves out a column whose branches disagree on its type (it is JSON, which holds any text)', () => {
    const schema = { oneOf: [{ properties: { at: { type: 'string', format: 'date-time' } } }, { properties: { at: { type: 'number' } } }] };
    assert.deepEqual(timestampPaths(schema), []);
  });
});

describe('isStorableTimestamp', () => {
  it("accepts what DuckDB's TIMESTAMP WITH TIME ZONE reads, and refuses what JSON Schema allows beyond it", () => {
    for (const ok of [
      '2026-11-23T19:04:05Z',
      '2026-11-23 19:04:05Z',
      '2026-11-23T19:04:05.123456789+05:30',
      '2026-11-23T19:04:05+0530',
      '2026-11-23T19:04:05-00',
    ])
      assert.equal(isStorableTimestamp(ok), true, ok);
    for (const bad of ['2026-11-23t19:04:05Z', '2026-11-23T19:04:05z', '2026-12-31T23:59:60Z', '2026-11-23\t19:04:05Z'])
      assert.equal(isStorableTimestamp(bad), false, bad);
  });
});
