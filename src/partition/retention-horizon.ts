/**
 * Retention horizons: which windows a partition retention has expired. The
 * retention itself is declared in define/retention.ts and resolved in config/.
 */
import type { Partitioning } from './partitioning.ts';

/**
 * The first window a partition retention keeps at `now`: every window before
 * it ended at or before `now - partitionsMs`, so it expires (or would, at the
 * next collection). `-Infinity` when nothing expires: no retention, or no time
 * partitioning. The planner, the collection and the publisher all ask this one
 * function, so that they agree on which windows are past.
 *
 * @example
 * retentionHorizon({ kind: 'time', grain: GRAINS.day }, 2 * 86_400_000, Date.parse('2026-11-23T12:00Z')) // the window of 2026-11-21
 */
export function retentionHorizon(p: Partitioning, partitionsMs: number | null, now: number): number {
  if (p.kind === 'none' || partitionsMs === null) return -Infinity;
  return p.grain.index(now - partitionsMs);
}
