/**
 * Which input partitions an output partition reads, as a window-number range
 * [from, to) of the input. Ranges are non-decreasing in the output index, which
 * lets the planner sweep a million partitions in one pass.
 */
import type { ResolvedMapping } from '../config/index.ts';
import type { Partitioning } from '../partition/index.ts';

export const NO_LOWER_BOUND = -Number.MAX_SAFE_INTEGER;

export function inputRange(output: Partitioning, input: Partitioning, mapping: ResolvedMapping, o: number): { from: number; to: number } {
  if (input.kind === 'none') return { from: 0, to: 1 };
  if (output.kind === 'none') return { from: NO_LOWER_BOUND, to: Number.MAX_SAFE_INTEGER };
  const end = output.grain.start(o + 1);
  switch (mapping.kind) {
    case 'window':
      return { from: input.grain.index(output.grain.start(o)), to: input.grain.index(end) };
    case 'last':
      return { from: input.grain.index(end - mapping.ms), to: input.grain.index(end) };
    case 'all':
      // Everything known by the end of the output window ("as of" semantics):
      // late data in an old input partition touches outputs from then on only.
      // Only input partitions that end by then: a coarser input (a day of
      // profiles for an hour of purchases) is read once its partition is over,
      // so give a lookup the grain of its readers to see same-hour records.
      return { from: NO_LOWER_BOUND, to: input.grain.index(end) };
  }
}
