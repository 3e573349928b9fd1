/** HTTP collection: write keys, limits, parsing, validation, protection; events leave in the envelope of the event contract (event/). */
export { Collector, MAX_DEPTH, type CollectAnswer, type CollectRequest, type CollectorOptions } from './collector.ts';
export { collectRoutes } from './routes.ts';
