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
  GrainSpec,
} from './definitions.ts';
export type { Duration } from './duration.ts';
export type { RetentionOptions, VersionRetention, GcOptions } from './retention.ts';
