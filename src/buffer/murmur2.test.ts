import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { murmur2, partitionFor, toPositive } from './murmur2.ts';

describe('murmur2', () => {
  it("matches Kafka's own test vectors (UtilsTest.testMurmur2)", () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
      ['', 275646681],
    ];
    for (const [key, expected] of cases) assert.equal(murmur2(Buffer.from(key, 'utf8')), expected, key);
  });

  it('hashes only the first `length` bytes when asked', () => {
    assert.equal(murmur2(Buffer.from('foobar-and-more'), 6), murmur2(Buffer.from('foobar')));
  });

  it('partitions as Kafka does: toPositive(murmur2) % count', () => {
    assert.equal(toPositive(-790332482), -790332482 & 0x7fffffff);
    assert.equal(partitionFor('foobar', 7), (-790332482 & 0x7fffffff) % 7);
    assert.equal(partitionFor('abc', 1), 0);
    // Multi-byte UTF-8 keys hash their bytes, not their UTF-16 code units.
    assert.equal(partitionFor('é', 1000), toPositive(murmur2(Buffer.from([0xc3, 0xa9]))) % 1000);
  });
});
