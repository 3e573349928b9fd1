/** HTTP collection: write keys, limits, parsing, validation, protection; events leave in the envelope of the event contract (event/). */
export { Collector, MAX_DEPTH, type CollectAnswer, type CollectRequest, type CollectorOptions } from './collector.ts';
export { collectRoutes } from './routes.ts';
export { IDEMPOTENCY_KEY_HEADER, FIRST_INDEX_HEADER } from './message-ids.ts';
export { splitBody, BodyError, type BodyFormat, type SplitEvent } from './split-body.ts';
export { StreamTail, TAIL_CAPACITY, isTailCursor, type TailEntry, type TailRead } from './stream-tail.ts';
