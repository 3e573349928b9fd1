import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyBuckets, streamBuckets } from './partition-timeline.ts';

describe('partition timeline buckets', () => {
  it('cuts a window into equal buckets, the last one shorter', () => {
    const b = emptyBuckets({ start: 10, end: 17 }, 3);
    assert.equal(b.per, 3);
    assert.deepEqual([...b.partitions], [3, 3, 1]);
    assert.deepEqual([...emptyBuckets({ start: 0, end: 2 }, 200).partitions], [1, 1]);
    assert.equal(emptyBuckets({ start: 5, end: 5 }, 10).partitions.length, 0);
  });

  it('counts a stream window from its partition columns: ok, failed, and windows without a partition', () => {
    const columns = { idx: Float64Array.from([1, 2, 4, 5, 6, 9]), failed: Uint8Array.from([0, 0, 1, 0, 0, 0]), built: Uint8Array.from([1, 1, 0, 1, 1, 1]) };
    const b = streamBuckets(columns, { start: 2, end: 8 }, 2);
    assert.deepEqual(
      [[...b.partitions], [...b.fresh], [...b.failed], [...b.missing]],
      [
        [3, 3],
        [1, 2],
        [1, 0],
        [1, 1],
      ],
    );
    // An expired partition (a row without a version) is missing, not fresh.
    const expired = streamBuckets({ ...columns, built: Uint8Array.from([1, 0, 0, 1, 1, 1]) }, { start: 2, end: 8 }, 2);
    assert.deepEqual(
      [[...expired.fresh], [...expired.missing]],
      [
        [0, 2],
        [2, 1],
      ],
    );
  });
});
