import type { PartitionColumns } from '../roles/index.ts';

/**
 * The binary form of a partition-columns snapshot:
 *
 *   magic "PONDPC\0\0" (8) | format u32 | row count u32 | covered seq f64 |
 *   store id, dataset, fingerprints as (u32 byte length + UTF-8), fingerprints
 *   preceded by their u32 count | padding to 8 | idx f64[n] | currentSeq f64[n] |
 *   inputSeq f64[n] | codeRef i32[n] | failed u8[n] | built u8[n] | magic again
 *
 * Little-endian throughout (the arrays are written in the platform's order,
 * little-endian on every platform Node runs on in practice). A decoder that finds anything off (magic, format,
 * identity, dataset, length) returns undefined and the caller reads in full,
 * so a torn, foreign or stale file can cost time but never give wrong data.
 */
const MAGIC = Buffer.from('PONDPC\0\0', 'latin1');
export const SNAPSHOT_FORMAT = 1;

export interface Snapshot {
  /** Every change with change_seq <= covered is in `columns`. */
  readonly covered: number;
  readonly columns: PartitionColumns;
}

export function encodeSnapshot(storeId: string, dataset: string, snapshot: Snapshot): Buffer {
  const { columns: c, covered } = snapshot;
  const n = c.idx.length;
  const strings = [storeId, dataset, ...c.codeFingerprints].map((s) => Buffer.from(s, 'utf8'));
  let head = 8 + 4 + 4 + 8 + 4;
  for (const s of strings) head += 4 + s.length;
  head = Math.ceil(head / 8) * 8;
  const size = head + n * (8 * 3 + 4 + 1 + 1) + MAGIC.length;
  const buf = Buffer.alloc(size);
  let o = MAGIC.copy(buf, 0);
  o = buf.writeUInt32LE(SNAPSHOT_FORMAT, o);
  o = buf.writeUInt32LE(n, o);
  o = buf.writeDoubleLE(covered, o);
  o = buf.writeUInt32LE(c.codeFingerprints.length, o);
  for (const s of strings) {
    o = buf.writeUInt32LE(s.length, o);
    o += s.copy(buf, o);
  }
  o = head;
  for (const a of [c.idx, c.currentSeq, c.inputSeq, c.codeRef, c.failed, c.built]) {
    o += Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, o);
  }
  MAGIC.copy(buf, o);
  return buf;
}

export function decodeSnapshot(buf: Buffer, storeId: string, dataset: string): Snapshot | undefined {
  try {
    if (buf.length < 28 || !buf.subarray(0, 8).equals(MAGIC) || buf.readUInt32LE(8) !== SNAPSHOT_FORMAT) return undefined;
    if (!buf.subarray(buf.length - MAGIC.length).equals(MAGIC)) return undefined;
    const n = buf.readUInt32LE(12);
    const covered = buf.readDoubleLE(16);
    const count = buf.readUInt32LE(24);
    let o = 28;
    const text = (): string => {
      const len = buf.readUInt32LE(o);
      const s = buf.toString('utf8', o + 4, o + 4 + len);
      if (o + 4 + len > buf.length) throw new RangeError('string past the end');
      o += 4 + len;
      return s;
    };
    if (text() !== storeId || text() !== dataset) return undefined;
    const codeFingerprints: string[] = [];
    for (let i = 0; i < count; i++) codeFingerprints.push(text());
    o = Math.ceil(o / 8) * 8;
    if (buf.length !== o + n * (8 * 3 + 4 + 1 + 1) + MAGIC.length) return undefined;
    // Views on the file's own memory when it is aligned (a large file read whole
    // gets an ArrayBuffer of its own), else copies; either way the caller owns them.
    const aligned = buf.byteOffset % 8 === 0 && buf.byteLength >= 4096;
    const take = <A extends Float64Array | Int32Array | Uint8Array>(view: (b: ArrayBuffer, at: number, n: number) => A, make: (n: number) => A): A => {
      let a: A;
      if (aligned) {
        a = view(buf.buffer as ArrayBuffer, buf.byteOffset + o, n);
      } else {
        a = make(n);
        buf.copy(Buffer.from(a.buffer, a.byteOffset, a.byteLength), 0, o, o + a.byteLength);
      }
      o += a.byteLength;
      return a;
    };
    const idx = take(
      (b, at, k) => new Float64Array(b, at, k),
      (k) => new Float64Array(k),
    );
    const currentSeq = take(
      (b, at, k) => new Float64Array(b, at, k),
      (k) => new Float64Array(k),
    );
    const inputSeq = take(
      (b, at, k) => new Float64Array(b, at, k),
      (k) => new Float64Array(k),
    );
    const codeRef = take(
      (b, at, k) => new Int32Array(b, at, k),
      (k) => new Int32Array(k),
    );
    const failed = take(
      (b, at, k) => new Uint8Array(b, at, k),
      (k) => new Uint8Array(k),
    );
    const built = take(
      (b, at, k) => new Uint8Array(b, at, k),
      (k) => new Uint8Array(k),
    );
    let maxSeq = 0;
    for (let i = 0; i < n; i++) {
      const r = codeRef[i] as number;
      if (r < -1 || r >= count) return undefined;
      if ((currentSeq[i] as number) > maxSeq) maxSeq = currentSeq[i] as number;
    }
    return { covered, columns: { idx, currentSeq, inputSeq, failed, built, codeRef, codeFingerprints, maxSeq } };
  } catch {
    return undefined;
  }
}
