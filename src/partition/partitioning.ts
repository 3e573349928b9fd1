/**
 * How a dataset is split into partitions: by a time grain, or not at all (one
 * partition, `all`). Converts between window numbers, canonical partition keys
 * (`2026-11-23T19:00Z/PT1H`) and lake folder paths (`date=2026-11-23/hour=19`).
 */
import { formatInstant, type Grain } from './grain.ts';

export type Partitioning = { readonly kind: 'time'; readonly grain: Grain } | { readonly kind: 'none' };

export const UNPARTITIONED: Partitioning = Object.freeze({ kind: 'none' });

/** The only key of an unpartitioned dataset, and its window number. */
export const ALL_KEY = 'all';
export const ALL_INDEX = 0;

/**
 * The canonical key of window `index`.
 *
 * @example
 * partitionKey({ kind: 'time', grain: GRAINS.hour }, 494347) // '2026-05-24T19:00Z/PT1H'
 */
export function partitionKey(p: Partitioning, index: number): string {
  if (p.kind === 'none') return ALL_KEY;
  return `${formatInstant(p.grain.start(index))}/${p.grain.iso}`;
}

/** The window number of a canonical key, or `undefined` when the key does not belong to `p`. */
export function parsePartitionKey(p: Partitioning, key: string): number | undefined {
  if (p.kind === 'none') return key === ALL_KEY ? ALL_INDEX : undefined;
  const slash = key.lastIndexOf('/');
  if (slash < 0 || key.slice(slash + 1) !== p.grain.iso) return undefined;
  const ms = Date.parse(key.slice(0, slash));
  if (Number.isNaN(ms)) return undefined;
  const index = p.grain.index(ms);
  return p.grain.start(index) === ms ? index : undefined;
}

/** Hive-style folder path of a window, readable by DuckDB, Spark, Trino and pandas. */
export function partitionPath(p: Partitioning, index: number): string {
  if (p.kind === 'none') return ALL_KEY;
  const iso = new Date(p.grain.start(index)).toISOString();
  const date = iso.slice(0, 10);
  switch (p.grain.name) {
    case 'month':
      return `month=${iso.slice(0, 7)}`;
    case 'day':
      return `date=${date}`;
    case 'hour':
      return `date=${date}/hour=${iso.slice(11, 13)}`;
    case 'minute':
      return `date=${date}/hour=${iso.slice(11, 13)}/minute=${iso.slice(14, 16)}`;
    default:
      return `date=${date}/time=${iso.slice(11, 19).replaceAll(':', '')}`;
  }
}

/** The time span [start, end) of a window in ms; unpartitioned data spans all time. */
export function windowBounds(p: Partitioning, index: number): { start: number; end: number } {
  if (p.kind === 'none') return { start: -Infinity, end: Infinity };
  return { start: p.grain.start(index), end: p.grain.start(index + 1) };
}

/** A short description: `hour`, `every 10s`, `unpartitioned`. */
export function describePartitioning(p: Partitioning): string {
  return p.kind === 'none' ? 'unpartitioned' : p.grain.name;
}
