/** Landing events in the lake: parsing, routing by event time, dead letters, committing raw versions. */
export { parseEvents, type ParsedEvent } from './parse-events.ts';
export { routeEvents, type RoutedBatch, type RawRow, type DeadLetter } from './route-events.ts';
export { landBatch, DEAD_LETTER_COLUMNS, DEAD_LETTER_PARTITIONING, type LandContext, type LandResult } from './land-batch.ts';
export { loadFile, type LoadSummary } from './load-file.ts';
