/**
 * Durations as users write them: `'90s'`, `'10m'`, `'1h'`, `'7d'`, `'2w'`, or a
 * combination such as `'1h30m'`. Parsed to milliseconds.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Milliseconds in a duration, or `undefined` when the text is not one.
 *
 * @example
 * parseDuration('1h30m') // 5_400_000
 * parseDuration('7 days') // undefined
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? Number.NaN);
    consumed = part.lastIndex;
  }
  if (consumed !== trimmed.length || !Number.isFinite(total)) return undefined;
  return total;
}

/** A duration in milliseconds as short text: 5_400_000 → `'1h30m'`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit] as number;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
