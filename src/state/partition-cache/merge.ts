import type { PartitionColumns } from '../roles/index.ts';

/** One partition row as a delta read returns it. */
export interface PartitionRow {
  readonly idx: number;
  readonly currentSeq: number;
  readonly inputSeq: number;
  /** 0/1. */
  readonly failed: number;
  /** 0/1. */
  readonly built: number;
  readonly codeFingerprint: string | null;
}

interface Arrays {
  idx: Float64Array;
  currentSeq: Float64Array;
  inputSeq: Float64Array;
  failed: Uint8Array;
  built: Uint8Array;
  codeRef: Int32Array;
}

/** First position in the sorted `idx` whose value is >= `value`. */
function lowerBound(idx: Float64Array, value: number, from: number): number {
  let lo = from;
  let hi = idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((idx[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Applies changed rows (sorted by idx, one per idx) to `base`: a row whose idx
 * is known replaces it, a new idx is inserted in sorted position (a merge of
 * two sorted lists). With no new idx the arrays of `base` are changed in place
 * (the caller owns them); otherwise new arrays are made. The result is
 * normalised exactly as a full read builds it (see `normalise`).
 */
export function mergeRows(base: PartitionColumns, rows: readonly PartitionRow[]): PartitionColumns {
  const fingerprints = [...base.codeFingerprints];
  const refOf = new Map(fingerprints.map((f, i) => [f, i]));
  const ref = (f: string | null): number => {
    if (f === null) return -1;
    let r = refOf.get(f);
    if (r === undefined) {
      r = fingerprints.length;
      fingerprints.push(f);
      refOf.set(f, r);
    }
    return r;
  };
  const n = base.idx.length;
  const positions = new Int32Array(rows.length);
  let inserts = 0;
  let from = 0;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k] as PartitionRow;
    const p = lowerBound(base.idx, row.idx, from);
    positions[k] = p;
    if (p >= n || base.idx[p] !== row.idx) inserts++;
    from = p;
  }
  const out: Arrays =
    inserts === 0
      ? { ...base }
      : {
          idx: new Float64Array(n + inserts),
          currentSeq: new Float64Array(n + inserts),
          inputSeq: new Float64Array(n + inserts),
          failed: new Uint8Array(n + inserts),
          built: new Uint8Array(n + inserts),
          codeRef: new Int32Array(n + inserts),
        };
  const copy = (start: number, end: number, at: number): void => {
    if (inserts === 0 || end <= start) return;
    out.idx.set(base.idx.subarray(start, end), at);
    out.currentSeq.set(base.currentSeq.subarray(start, end), at);
    out.inputSeq.set(base.inputSeq.subarray(start, end), at);
    out.failed.set(base.failed.subarray(start, end), at);
    out.built.set(base.built.subarray(start, end), at);
    out.codeRef.set(base.codeRef.subarray(start, end), at);
  };
  let cursor = 0; // next base row not yet copied
  let at = 0; // next output position
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k] as PartitionRow;
    const p = positions[k] as number;
    copy(cursor, p, at);
    at += p - cursor;
    cursor = p < n && base.idx[p] === row.idx ? p + 1 : p;
    out.idx[at] = row.idx;
    out.currentSeq[at] = row.currentSeq;
    out.inputSeq[at] = row.inputSeq;
    out.failed[at] = row.failed;
    out.built[at] = row.built;
    out.codeRef[at] = ref(row.codeFingerprint);
    at++;
  }
  copy(cursor, n, at);
  return normalise(out, fingerprints);
}

/**
 * A full read lists fingerprints in order of first use along idx, only those
 * in use, and `maxSeq` as the highest currentSeq; after a merge both may be
 * off, so this renumbers the refs (in place) and recomputes them.
 */
export function normalise(a: Arrays, fingerprints: readonly string[]): PartitionColumns {
  const remap = new Int32Array(fingerprints.length).fill(-1);
  const used: string[] = [];
  let identity = true;
  let maxSeq = 0;
  const n = a.idx.length;
  for (let i = 0; i < n; i++) {
    const s = a.currentSeq[i] as number;
    if (s > maxSeq) maxSeq = s;
    const r = a.codeRef[i] as number;
    if (r < 0) continue;
    let m = remap[r] as number;
    if (m < 0) {
      m = used.length;
      remap[r] = m;
      used.push(fingerprints[r] as string);
      if (m !== r) identity = false;
    }
  }
  if (!identity) {
    for (let i = 0; i < n; i++) {
      const r = a.codeRef[i] as number;
      if (r >= 0) a.codeRef[i] = remap[r] as number;
    }
  }
  return { ...a, codeFingerprints: used, maxSeq };
}

/** A copy whose arrays the caller may change without touching the cache. */
export function cloneColumns(c: PartitionColumns): PartitionColumns {
  return {
    idx: c.idx.slice(),
    currentSeq: c.currentSeq.slice(),
    inputSeq: c.inputSeq.slice(),
    failed: c.failed.slice(),
    built: c.built.slice(),
    codeRef: c.codeRef.slice(),
    codeFingerprints: [...c.codeFingerprints],
    maxSeq: c.maxSeq,
  };
}
