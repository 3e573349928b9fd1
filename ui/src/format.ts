/** How numbers, sizes, durations and times read across the UI. */
import type { InputMapping } from './types.ts';

const integer = new Intl.NumberFormat('en');

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : integer.format(n);
}

export function rate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined) return '–';
  if (perSecond >= 100) return `${integer.format(Math.round(perSecond))}/s`;
  return `${perSecond.toFixed(perSecond >= 10 ? 1 : 2)}/s`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 10 ? 0 : 1)} ${units[u]}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(abs < 10_000 ? 2 : 1)} s`;
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    `${Math.floor(abs / big)} ${bigUnit}${Math.floor((abs % big) / small) > 0 ? ` ${Math.floor((abs % big) / small)} ${smallUnit}` : ''}`;
  if (abs < 3_600_000) return two(60_000, 'min', 1000, 's');
  if (abs < 86_400_000) return two(3_600_000, 'h', 60_000, 'min');
  return two(86_400_000, 'd', 3_600_000, 'h');
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = now - Date.parse(iso);
  if (ms < 0) return `in ${duration(-ms)}`;
  if (ms < 5000) return 'just now';
  return `${duration(ms)} ago`;
}

/** `2026-11-25 14:03:07` in UTC, as the lake's partition keys are UTC. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '–';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

export function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const GRAIN_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_629_746_000,
  year: 31_556_952_000,
};

/** A grain's window in ms (`every 10s` too), or undefined for `none`. */
function grainMs(grain: string): number | undefined {
  const every = /^every (\d+)(ms|s|m|h|d)$/.exec(grain);
  if (every) return Number(every[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[every[2] as 'ms' | 's' | 'm' | 'h' | 'd'] ?? 1);
  return GRAIN_MS[grain];
}

/** A span such as 7 days as `7 d`, 36 hours as `36 h`. */
export function span(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/**
 * How a dataset reads an input, in words: `same hour`, `hours of the day`, `last 7 d`,
 * `all, as of its end`. `input` and `output` are the grains (`hour`, `day`, `none` …).
 */
export function mappingLabel(mapping: InputMapping, input: string, output: string): string {
  if (mapping.kind === 'last') return `last ${span(mapping.ms)}`;
  if (mapping.kind === 'all') return output === 'none' ? 'all' : 'all, as of its end';
  const i = grainMs(input);
  const o = grainMs(output);
  if (i === undefined || o === undefined) return 'all';
  const name = (g: string) => g.replace(/^every /, '');
  if (i === o) return `same ${name(output)}`;
  if (i < o) return `${name(input)}s of the ${name(output)}`;
  return `the ${name(input)} it falls in`;
}
