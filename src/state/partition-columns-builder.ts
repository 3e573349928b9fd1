import type { PartitionColumns } from './roles/index.ts';

/**
 * Collects partition rows into the parallel typed arrays of `PartitionColumns`.
 * Arrays start small and double, so a million rows cost about twenty copies
 * and no per-row objects. Rows must be added in ascending idx order.
 */
export class PartitionColumnsBuilder {
  private size = 0;
  private idx: Float64Array;
  private currentSeq: Float64Array;
  private inputSeq: Float64Array;
  private failed: Uint8Array;
  private built: Uint8Array;
  private codeRef: Int32Array;
  private readonly fingerprints: string[] = [];
  private readonly refs = new Map<string, number>();
  private maxSeq = 0;

  constructor(capacity = 1024) {
    this.idx = new Float64Array(capacity);
    this.currentSeq = new Float64Array(capacity);
    this.inputSeq = new Float64Array(capacity);
    this.failed = new Uint8Array(capacity);
    this.built = new Uint8Array(capacity);
    this.codeRef = new Int32Array(capacity);
  }

  add(idx: number, currentSeq: number, inputSeq: number, failed: boolean, built: boolean, codeFingerprint: string | null): void {
    this.addRef(idx, currentSeq, inputSeq, failed ? 1 : 0, built ? 1 : 0, codeFingerprint === null ? -1 : this.ref(codeFingerprint));
  }

  /** Like `add`, with flags as 0/1 and the fingerprint already turned into a ref by `ref()`. */
  addRef(idx: number, currentSeq: number, inputSeq: number, failed: number, built: number, codeRef: number): void {
    if (this.size === this.idx.length) this.grow();
    const i = this.size++;
    this.idx[i] = idx;
    this.currentSeq[i] = currentSeq;
    this.inputSeq[i] = inputSeq;
    this.failed[i] = failed;
    this.built[i] = built;
    this.codeRef[i] = codeRef;
    if (currentSeq > this.maxSeq) this.maxSeq = currentSeq;
  }

  build(): PartitionColumns {
    const n = this.size;
    return {
      idx: this.idx.slice(0, n),
      currentSeq: this.currentSeq.slice(0, n),
      inputSeq: this.inputSeq.slice(0, n),
      failed: this.failed.slice(0, n),
      built: this.built.slice(0, n),
      codeRef: this.codeRef.slice(0, n),
      codeFingerprints: [...this.fingerprints],
      maxSeq: this.maxSeq,
    };
  }

  /** The index of `fingerprint` in `codeFingerprints`, adding it when new. */
  ref(fingerprint: string): number {
    let r = this.refs.get(fingerprint);
    if (r === undefined) {
      r = this.fingerprints.length;
      this.fingerprints.push(fingerprint);
      this.refs.set(fingerprint, r);
    }
    return r;
  }

  private grow(): void {
    const capacity = Math.max(16, this.idx.length * 2);
    const grow = <A extends Float64Array | Uint8Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.idx = grow(this.idx, (n) => new Float64Array(n));
    this.currentSeq = grow(this.currentSeq, (n) => new Float64Array(n));
    this.inputSeq = grow(this.inputSeq, (n) => new Float64Array(n));
    this.failed = grow(this.failed, (n) => new Uint8Array(n));
    this.built = grow(this.built, (n) => new Uint8Array(n));
    this.codeRef = grow(this.codeRef, (n) => new Int32Array(n));
  }
}
