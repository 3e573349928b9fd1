/** Stream schemas: validation of events, and the columns projected from a schema. */
export { compileEventSchema, type EventValidator } from './event-validator.ts';
export { projectColumns, quoteIdent, RAW_META_COLUMNS } from './json-schema-columns.ts';
