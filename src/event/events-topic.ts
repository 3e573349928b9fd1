/**
 * The buffer topic the collector appends envelopes to and the lander reads
 * them from. Each record's key is the event's messageId, so a client's retry
 * goes to the same partition as its first try and dedup at landing stays
 * exact across landers.
 *
 * @example
 * await log.ensureTopic(EVENTS_TOPIC, project.buffer.partitions);
 * await log.append(EVENTS_TOPIC, [{ key: messageId, value: encode(stream, messageId, time, undefined, raw), timestamp: receivedAt }]);
 */
export const EVENTS_TOPIC = 'pond.events';
