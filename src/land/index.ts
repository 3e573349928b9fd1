/** Landing events in the lake: from the buffer (the lander) and from files (`pond load`), with dedup, routing by event time and dead letters. */
export { parseEvents, type ParsedEvent } from './parse-events.ts';
export { routeEvents, addRow } from './route-events.ts';
export { rawRow, rawRowShape, type RowShape } from './raw-row.ts';
export {
  landBatches,
  DEAD_LETTER_COLUMNS,
  DEAD_LETTER_PARTITIONING,
  COMPACT_AT,
  type LandContext,
  type LandResult,
  type StreamBatch,
  type RawRow,
  type DeadLetter,
} from './land-batch.ts';
export { loadFile, readHead, type LoadSummary } from './load-file.ts';
export { protectBatches, type ForgottenSource, type KeyRingSource, type ProtectedBatches } from './protect-batch.ts';
export { Lander, LAND_GROUP, type LanderContext, type LandSummary } from './lander.ts';
