/**
 * A set of window numbers stored as sorted, disjoint, half-open ranges. A
 * million partitions built in one go are one range, never a million entries.
 * Values are immutable: every operation returns a new set.
 */

export interface Range {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export class RangeSet {
  static readonly EMPTY = new RangeSet([]);

  private constructor(readonly ranges: readonly Range[]) {}

  /** Builds a set from ranges in any order, merging overlaps and neighbours. */
  static of(ranges: Iterable<Range>): RangeSet {
    const sorted = [...ranges].filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
    const merged: Range[] = [];
    for (const r of sorted) {
      const last = merged[merged.length - 1];
      if (last && r.start <= last.end) {
        if (r.end > last.end) merged[merged.length - 1] = { start: last.start, end: r.end };
      } else {
        merged.push({ start: r.start, end: r.end });
      }
    }
    return new RangeSet(Object.freeze(merged));
  }

  static range(start: number, end: number): RangeSet {
    return RangeSet.of([{ start, end }]);
  }

  /**
   * Builds a set from window numbers sorted ascending, in one pass.
   *
   * @example
   * RangeSet.fromSorted([1, 2, 3, 7]).ranges // [{start: 1, end: 4}, {start: 7, end: 8}]
   */
  static fromSorted(indexes: Iterable<number>): RangeSet {
    const out: Range[] = [];
    let start = NaN;
    let end = NaN;
    for (const i of indexes) {
      if (i === end) {
        end++;
        continue;
      }
      if (i < end) continue; // duplicate
      if (!Number.isNaN(start)) out.push({ start, end });
      start = i;
      end = i + 1;
    }
    if (!Number.isNaN(start)) out.push({ start, end });
    return new RangeSet(Object.freeze(out));
  }

  get size(): number {
    let n = 0;
    for (const r of this.ranges) n += r.end - r.start;
    return n;
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  get first(): number | undefined {
    return this.ranges[0]?.start;
  }

  get last(): number | undefined {
    const r = this.ranges[this.ranges.length - 1];
    return r === undefined ? undefined : r.end - 1;
  }

  has(i: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid] as Range;
      if (i < r.start) hi = mid - 1;
      else if (i >= r.end) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: RangeSet): RangeSet {
    return RangeSet.of([...this.ranges, ...other.ranges]);
  }

  intersect(other: RangeSet): RangeSet {
    const out: Range[] = [];
    let a = 0;
    let b = 0;
    while (a < this.ranges.length && b < other.ranges.length) {
      const x = this.ranges[a] as Range;
      const y = other.ranges[b] as Range;
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end > start) out.push({ start, end });
      if (x.end < y.end) a++;
      else b++;
    }
    return new RangeSet(Object.freeze(out));
  }

  subtract(other: RangeSet): RangeSet {
    const out: Range[] = [];
    let b = 0;
    for (const x of this.ranges) {
      let start = x.start;
      while (b < other.ranges.length && (other.ranges[b] as Range).end <= start) b++;
      let k = b;
      while (k < other.ranges.length && (other.ranges[k] as Range).start < x.end) {
        const y = other.ranges[k] as Range;
        if (y.start > start) out.push({ start, end: y.start });
        start = Math.max(start, y.end);
        k++;
      }
      if (start < x.end) out.push({ start, end: x.end });
    }
    return new RangeSet(Object.freeze(out));
  }

  /** Window numbers in ascending order; beware of enumerating large sets. */
  *values(): IterableIterator<number> {
    for (const r of this.ranges) for (let i = r.start; i < r.end; i++) yield i;
  }

  /** The first `n` window numbers. */
  take(n: number): number[] {
    const out: number[] = [];
    for (const r of this.ranges) {
      for (let i = r.start; i < r.end && out.length < n; i++) out.push(i);
      if (out.length >= n) break;
    }
    return out;
  }

  toJSON(): Range[] {
    return [...this.ranges];
  }
}
