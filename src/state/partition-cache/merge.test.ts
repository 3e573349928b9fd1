import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionColumnsBuilder } from '../partition-columns-builder.ts';
import type { PartitionColumns } from '../roles/index.ts';
import { mergeRows } from './merge.ts';
import type { PartitionRow } from './merge.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.ts';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function build(rows: ReadonlyMap<number, PartitionRow>): PartitionColumns {
  const b = new PartitionColumnsBuilder(4);
  for (const idx of [...rows.keys()].sort((x, y) => x - y)) {
    const r = rows.get(idx) as PartitionRow;
    b.add(r.idx, r.currentSeq, r.inputSeq, r.failed === 1, r.built === 1, r.codeFingerprint);
  }
  return b.build();
}

describe('mergeRows', () => {
  it('gives exactly what a full build gives, over random rounds of updates and inserts', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = random(seed);
      const truth = new Map<number, PartitionRow>();
      let seq = 0;
      const row = (idx: number): PartitionRow => ({
        idx,
        currentSeq: ++seq,
        inputSeq: Math.floor(rnd() * 100),
        failed: rnd() < 0.2 ? 1 : 0,
        built: rnd() < 0.9 ? 1 : 0,
        codeFingerprint: rnd() < 0.1 ? null : `f${Math.floor(rnd() * 5)}`,
      });
      let columns = build(truth);
      for (let round = 0; round < 8; round++) {
        const delta = new Map<number, PartitionRow>();
        const k = Math.floor(rnd() * 30);
        for (let i = 0; i < k; i++) {
          const idx = Math.floor(rnd() * 80) - 20;
          delta.set(idx, row(idx));
        }
        for (const [idx, r] of delta) truth.set(idx, r);
        const sorted = [...delta.values()].sort((a, b) => a.idx - b.idx);
        columns = mergeRows(columns, sorted);
        assert.deepEqual(columns, build(truth), `seed ${seed} round ${round}`);
      }
    }
  });
});

describe('snapshot codec', () => {
  const columns = build(
    new Map([
      [-2, { idx: -2, currentSeq: 5, inputSeq: 1, failed: 0, built: 1, codeFingerprint: 'é-fingerprint' }],
      [7, { idx: 7, currentSeq: 9, inputSeq: 0, failed: 1, built: 0, codeFingerprint: null }],
      [8, { idx: 8, currentSeq: 2 ** 40, inputSeq: 3, failed: 0, built: 1, codeFingerprint: 'b' }],
    ]),
  );

  it('round-trips', () => {
    const buf = encodeSnapshot('store-1', 'ds', { covered: 123, columns });
    assert.deepEqual(decodeSnapshot(buf, 'store-1', 'ds'), { covered: 123, columns });
    const empty = build(new Map());
    assert.deepEqual(decodeSnapshot(encodeSnapshot('s', 'e', { covered: 0, columns: empty }), 's', 'e'), { covered: 0, columns: empty });
  });

  it('round-trips a large snapshot read as views on the file buffer', () => {
    const rows = new Map<number, PartitionRow>();
    for (let i = 0; i < 1000; i++)
      rows.set(i * 3, { idx: i * 3, currentSeq: i, inputSeq: 2 * i, failed: i % 7 === 0 ? 1 : 0, built: 1, codeFingerprint: `f${i % 4}` });
    const big = build(rows);
    const encoded = encodeSnapshot('s', 'big', { covered: 999, columns: big });
    const own = Buffer.alloc(encoded.length);
    encoded.copy(own);
    assert.deepEqual(decodeSnapshot(own, 's', 'big'), { covered: 999, columns: big });
  });

  it('refuses another store, another dataset, and every truncation or stray byte', () => {
    const buf = encodeSnapshot('store-1', 'ds', { covered: 123, columns });
    assert.equal(decodeSnapshot(buf, 'store-2', 'ds'), undefined);
    assert.equal(decodeSnapshot(buf, 'store-1', 'other'), undefined);
    for (let n = 0; n < buf.length; n++) assert.equal(decodeSnapshot(buf.subarray(0, n), 'store-1', 'ds'), undefined, `truncated to ${n}`);
    assert.equal(decodeSnapshot(Buffer.concat([buf, Buffer.from([0])]), 'store-1', 'ds'), undefined);
  });
});
