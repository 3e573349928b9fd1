/** HTTP collection: write keys, limits, parsing, validation, enrichment, and the envelope events travel in through the buffer. */
export { classifyEvent, messageIdOf, type Verdict } from './classify-event.ts';
export { receiptEncoder, decodeEnvelope, type Envelope } from './envelope.ts';
export { parseUserAgent } from './user-agent.ts';
export { Collector, MAX_DEPTH, type CollectAnswer, type CollectRequest, type CollectorOptions } from './collector.ts';
export { collectRoutes } from './routes.ts';
