/** Quality checks: evaluating them on new versions, and the rules they apply. */
export { evaluateChecks, type CheckEnvironment, type CheckOutcome, type CheckTarget } from './evaluate-checks.ts';
export { normalizeType, schemaChanges, contractViolations, describeChange, type SchemaChange } from './schema-changes.ts';
export { volumeVerdict, type VolumeVerdict } from './volume.ts';
export { checkVersion, describeFailure, type CheckVersionContext } from './check-version.ts';
