import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RangeSet } from './range-set.ts';

describe('RangeSet', () => {
  it('merges overlapping and adjacent ranges', () => {
    const set = RangeSet.of([
      { start: 5, end: 7 },
      { start: 0, end: 3 },
      { start: 3, end: 4 },
      { start: 6, end: 9 },
    ]);
    assert.deepEqual(set.toJSON(), [
      { start: 0, end: 4 },
      { start: 5, end: 9 },
    ]);
    assert.equal(set.size, 8);
  });

  it('builds from sorted indexes in one pass', () => {
    assert.deepEqual(RangeSet.fromSorted([1, 2, 3, 3, 7, 9, 10]).toJSON(), [
      { start: 1, end: 4 },
      { start: 7, end: 8 },
      { start: 9, end: 11 },
    ]);
  });

  it('intersects, subtracts and answers membership', () => {
    const a = RangeSet.of([
      { start: 0, end: 10 },
      { start: 20, end: 30 },
    ]);
    const b = RangeSet.of([{ start: 5, end: 25 }]);
    assert.deepEqual(a.intersect(b).toJSON(), [
      { start: 5, end: 10 },
      { start: 20, end: 25 },
    ]);
    assert.deepEqual(a.subtract(b).toJSON(), [
      { start: 0, end: 5 },
      { start: 25, end: 30 },
    ]);
    assert.ok(a.has(29) && !a.has(15) && !a.has(30));
  });

  it('keeps a million partitions as one range', () => {
    const set = RangeSet.range(0, 1_000_000).subtract(RangeSet.range(500_000, 500_001));
    assert.equal(set.ranges.length, 2);
    assert.equal(set.size, 999_999);
  });
});
