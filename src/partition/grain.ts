/**
 * A grain cuts time into windows numbered from the Unix epoch. Window `i` of an
 * hourly grain is [i h, (i+1) h). Everything about partitions is computed from
 * these numbers, so that a range of a million partitions is two integers.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export type GrainName = 'minute' | 'hour' | 'day' | 'month';

export interface Grain {
  /** `'hour'`, or `'every 10s'`. */
  readonly name: string;
  /** ISO 8601 duration used in partition keys: `PT1H`, `P1D`, `P1M`, `PT10S`. */
  readonly iso: string;
  /** Window length in ms; months give their average, use start() for exact bounds. */
  readonly approxMs: number;
  /** The number of the window holding time `ms`. */
  index(ms: number): number;
  /** Start of window `i` in ms since the epoch. */
  start(i: number): number;
  /** True when every window of this grain is a whole number of windows of `finer`. */
  isMultipleOf(finer: Grain): boolean;
}

class FixedGrain implements Grain {
  readonly approxMs: number;
  constructor(
    readonly name: string,
    readonly iso: string,
    readonly ms: number,
  ) {
    this.approxMs = ms;
  }
  index(ms: number): number {
    return Math.floor(ms / this.ms);
  }
  start(i: number): number {
    return i * this.ms;
  }
  isMultipleOf(finer: Grain): boolean {
    return finer instanceof FixedGrain && this.ms % finer.ms === 0;
  }
}

class MonthGrain implements Grain {
  readonly name = 'month';
  readonly iso = 'P1M';
  readonly approxMs = 30.436875 * DAY;
  index(ms: number): number {
    const d = new Date(ms);
    return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
  }
  start(i: number): number {
    return Date.UTC(1970 + Math.floor(i / 12), ((i % 12) + 12) % 12, 1);
  }
  isMultipleOf(finer: Grain): boolean {
    // A month is a whole number of days, hours, minutes; of fixed grains that divide a day.
    return finer instanceof MonthGrain || (finer instanceof FixedGrain && DAY % finer.ms === 0);
  }
}

export const GRAINS: Readonly<Record<GrainName, Grain>> = Object.freeze({
  minute: new FixedGrain('minute', 'PT1M', MINUTE),
  hour: new FixedGrain('hour', 'PT1H', HOUR),
  day: new FixedGrain('day', 'P1D', DAY),
  month: new MonthGrain(),
});

/** An `every` grain: fixed windows of `ms` milliseconds (whole seconds). */
export function everyGrain(ms: number, text: string): Grain {
  const seconds = ms / 1000;
  const iso = seconds % 3600 === 0 ? `PT${seconds / 3600}H` : seconds % 60 === 0 ? `PT${seconds / 60}M` : `PT${seconds}S`;
  return new FixedGrain(`every ${text}`, iso, ms);
}

/** Time of `ms` as `2026-11-23T19:00Z`, with seconds only when they are not zero. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-23T19:00:05.000Z
  const seconds = iso.slice(17, 19);
  return seconds === '00' ? `${iso.slice(0, 16)}Z` : `${iso.slice(0, 19)}Z`;
}
