/**
 * The event contract: the one definition that collection (`collect/`) and
 * landing (`land/`) share, and that the Kafka buffer will carry unchanged.
 * It holds the envelope an event travels in through the buffer (its bytes,
 * clear and protected), the topic it travels on, the verdict given to an
 * event on receipt (classification and its messageId), and the enrichment
 * both sides derive from the receipt (user-agent parsing).
 *
 * Neither side defines any of this itself: a change here is a change to the
 * format of every buffer already written, and must still decode them.
 */
export { receiptEncoder, decodeEnvelope, type Envelope, type EnvelopeEncoder, type EnvelopeProtection, type ProtectedText } from './envelope.ts';
export { EVENTS_TOPIC } from './events-topic.ts';
export { classifyEvent, messageIdOf, type Verdict } from './classify-event.ts';
export { parseUserAgent, type DeviceKind, type UserAgent } from './user-agent.ts';
export { rawLine, protectedLine, type Receipt } from './raw-line.ts';
