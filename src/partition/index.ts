/**
 * Partition math: time grains and their numbered windows, partition keys and
 * lake paths, range sets of windows, retention horizons, and the durations and
 * instants they are computed from. Pure values and functions: imports nothing
 * of Pond's, so every other folder may depend on it.
 */
export { parseDuration, formatDuration } from './duration.ts';
export { parseInstant } from './instant.ts';
export { GRAINS, everyGrain, formatInstant, type Grain, type GrainName } from './grain.ts';
export {
  partitionKey,
  parsePartitionKey,
  partitionPath,
  windowBounds,
  describePartitioning,
  UNPARTITIONED,
  ALL_KEY,
  ALL_INDEX,
  type Partitioning,
} from './partitioning.ts';
export { retentionHorizon } from './retention-horizon.ts';
export { RangeSet, type Range } from './range-set.ts';
