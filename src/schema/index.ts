/** Stream schemas: validation of events, and the columns projected from a schema. */
export { compileEventSchema, type EventValidator } from './event-validator.ts';
export { projectColumns, quoteIdent, RAW_META_COLUMNS } from './json-schema-columns.ts';
export {
  COMPATIBILITY_MODES,
  checkCompatibility,
  describeDifference,
  isSuperset,
  type CompatibilityMode,
  type CompatibilityResult,
  type CompatibilityDifference,
  type SchemaDifference,
  type DifferenceKind,
} from './compatibility.ts';
