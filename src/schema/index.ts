/**
 * Stream schemas: validation of events, the columns projected from a schema,
 * compatibility between versions, and the registry of versions.
 */
export { compileEventSchema, type EventValidator } from './event-validator.ts';
export { projectColumns, RAW_META_COLUMNS, timestampPaths, isStorableTimestamp } from './json-schema-columns.ts';
export { piiAnnotations, PII_CLASSES, PII_KEYWORD, type PiiAnnotation, type PiiClass } from './pii-annotations.ts';
export {
  COMPATIBILITY_MODES,
  checkCompatibility,
  directionsOf,
  describeDifference,
  isSuperset,
  type CompatibilityMode,
  type CompatibilityResult,
  type CheckCompatibilityOptions,
  type CompatibilityDifference,
  type SchemaDifference,
  type DifferenceKind,
} from './compatibility.ts';
export { canonicalJson, schemaFingerprint } from './canonical-json.ts';
export {
  compareProjectSchemas,
  compareStreamSchema,
  describeMode,
  incompatibleSchemas,
  previousOf,
  registerProjectSchemas,
  registryHistory,
  type PreviousSchema,
  type Registration,
  type RegistryStore,
  type RegistryStream,
  type SchemaChange,
  type SchemaHistory,
  type SchemaStatus,
  type StreamSchemaReport,
} from './registry.ts';
export { gitSchemaHistory } from './git-schema-history.ts';
export { shownValue, wellFormed, isWellFormed, loneSurrogateAt, MASKED_VALUE } from './shown-value.ts';
