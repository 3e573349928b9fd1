/**
 * Ticks for a time axis that fall on round times in UTC (the lake's partition
 * keys are UTC): every 15 minutes on the quarter hour, every 6 hours at 00, 06,
 * 12 and 18, every day at midnight, every month on the 1st — never at the
 * arbitrary milliseconds that ticks of plain numbers would give.
 *
 * @example
 * timeTicks(Date.parse('2026-11-24T07:13Z'), Date.parse('2026-11-24T19:40Z'), 6).map((t) => t.label)
 * // ['09:00', '12:00', '15:00', '18:00']
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-05, the first Monday after the epoch: weeks start on Mondays. */
const MONDAY = 4 * DAY;

/** Steps of fixed length, shortest first; past a week, steps are calendar months. */
const FIXED = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const MONTHS = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200];

export interface TimeTick {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly label: string;
}

/** The round step (ms, or months) that gives about `count` ticks over [min, max]. */
export function timeStep(min: number, max: number, count = 6): { readonly ms: number } | { readonly months: number } {
  const wanted = Math.max(1, (max - min) / Math.max(1, count));
  const fixed = FIXED.find((s) => s >= wanted);
  if (fixed !== undefined) return { ms: fixed };
  return { months: MONTHS.find((m) => m * 30 * DAY >= wanted) ?? (MONTHS.at(-1) as number) };
}

/** Round times within [min, max], about `count` of them, each with a label as short as its step allows. */
export function timeTicks(min: number, max: number, count = 6): TimeTick[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  const step = timeStep(min, max, count);
  const at: number[] = [];
  if ('ms' in step) {
    const origin = step.ms === 7 * DAY ? MONDAY : 0;
    for (let t = Math.ceil((min - origin) / step.ms) * step.ms + origin; t <= max; t += step.ms) at.push(t);
  } else {
    const first = new Date(min);
    let year = first.getUTCFullYear();
    let month = first.getUTCMonth();
    // The first month boundary at or after min, on a multiple of the step (January for years).
    if (Date.UTC(year, month) < min) month++;
    const total = year * 12 + month;
    let index = Math.ceil(total / step.months) * step.months;
    for (;;) {
      year = Math.floor(index / 12);
      month = index % 12;
      const t = Date.UTC(year, month);
      if (t > max) break;
      at.push(t);
      index += step.months;
    }
  }
  const sameYear = at.length > 0 && new Date(at[0] as number).getUTCFullYear() === new Date(at.at(-1) as number).getUTCFullYear();
  return at.map((t) => ({ at: t, label: label(t, step, sameYear) }));
}

function label(t: number, step: { readonly ms: number } | { readonly months: number }, sameYear: boolean): string {
  const iso = new Date(t).toISOString();
  const date = sameYear ? iso.slice(5, 10) : iso.slice(0, 10);
  if ('months' in step) return step.months >= 12 ? iso.slice(0, 4) : iso.slice(0, 7);
  if (step.ms >= DAY) return date;
  // Midnight names the day it starts; other ticks their time of day.
  if (t % DAY === 0) return date;
  return step.ms < MINUTE ? iso.slice(11, 19) : iso.slice(11, 16);
}
