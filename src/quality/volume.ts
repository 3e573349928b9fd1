/**
 * The volume anomaly rule: a row count is anomalous when it lies more than
 * `deviations` robust standard deviations from the median of its history.
 * The spread is the median absolute deviation scaled to a normal standard
 * deviation (×1.4826), never taken below 10% of the median (nor below 1 row),
 * so that a perfectly steady history does not flag every small change.
 */
export interface VolumeVerdict {
  readonly anomalous: boolean;
  readonly median: number;
  readonly spread: number;
  readonly low: number;
  readonly high: number;
}

export function volumeVerdict(rows: number, history: readonly number[], deviations: number): VolumeVerdict {
  const median = medianOf(history);
  const mad = medianOf(history.map((h) => Math.abs(h - median)));
  const spread = Math.max(1.4826 * mad, 0.1 * median, 1);
  const low = Math.max(0, median - deviations * spread);
  const high = median + deviations * spread;
  return { anomalous: rows < low || rows > high, median, spread, low, high };
}

function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
