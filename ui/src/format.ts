/** How numbers, sizes, durations and times read across the UI. */

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
