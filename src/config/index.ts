/** Loading and validating a project; the model the rest of Pond works on. */
export { loadProject, CONFIG_FILE } from './load-project.ts';
export { registerPondResolver } from './pond-resolver.ts';
export { resolveProject, type Declarations } from './resolve-project.ts';
export { findCycle } from './find-cycle.ts';
export {
  nodeOf,
  dependantsOf,
  DEAD_LETTER_PREFIX,
  type Project,
  type StreamModel,
  type CheckModel,
  type DatasetModel,
  type SinkModel,
  type NodeModel,
  type StreamPii,
  type DatasetPii,
  type ResolvedInput,
  type ResolvedMapping,
  type RetryPolicy,
  type SegmentType,
  type SourceModel,
  type CollectSettings,
  type BufferSettings,
  type LandSettings,
  type ApiSettings,
  type RetentionPolicy,
  type GcSettings,
  type PrivacySettings,
} from './project.ts';
export { SEGMENT_TYPES, parseSize } from './resolve-collect.ts';
export { resolveApi } from './resolve-api.ts';
export { protectsPersonalData, encryptedFields } from './encrypted-columns.ts';
