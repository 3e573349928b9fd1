/**
 * The public authoring API: what a project's `pond.config.ts` and pipeline
 * files import as `pond`. Pure: no file system, no DuckDB, no server.
 */
export { stream, dataset, defineConfig } from './definitions.ts';
export { check, type CheckDefinition, type CheckOptions, type CheckSpec, type CheckValue, type Severity } from './checks.ts';
export { RetryableError } from './retryable-error.ts';
export { sink, type SinkDefinition, type PostgresSinkOptions, type SqliteSinkOptions, type WebhookSinkOptions, type FilesSinkOptions } from './sinks.ts';
export type {
  StreamOptions,
  StreamDefinition,
  PiiOptions,
  DatasetPiiOptions,
  PrivacyOptions,
  ForgottenPolicy,
  CompatibilityMode,
  DatasetOptions,
  DatasetDefinition,
  SqlDatasetOptions,
  TsDatasetOptions,
  InputSpec,
  InputRef,
  DatasetRef,
  Mapping,
  Row,
  InputReader,
  PartitionInfo,
  TransformContext,
  TransformFunction,
  RetryOptions,
  PondConfig,
  SourceOptions,
  CollectOptions,
  BufferOptions,
  LandOptions,
  ApiOptions,
  ConfigDefinition,
} from './definitions.ts';
export { parseDuration, formatDuration, type Duration } from './duration.ts';
export type { RetentionOptions, VersionRetention, GcOptions } from './retention.ts';
export { parseInstant } from './instant.ts';
export { GRAINS, everyGrain, formatInstant, type Grain, type GrainName, type GrainSpec } from './grain.ts';
export {
  partitionKey,
  parsePartitionKey,
  partitionPath,
  windowBounds,
  retentionHorizon,
  describePartitioning,
  UNPARTITIONED,
  ALL_KEY,
  ALL_INDEX,
  type Partitioning,
} from './partitioning.ts';
export { RangeSet, type Range } from './range-set.ts';
