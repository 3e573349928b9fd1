/**
 * Sinks: publishing committed partition versions to PostgreSQL and SQLite
 * tables, webhooks and files, and the publisher that keeps each sink at the
 * current versions and records what it published.
 */
export { Publisher, publishBackoff, type PublishContext, type PublishResult, type PublishSummary, type PublisherOptions } from './publisher.ts';
export { sinkStatus, currentPartitions, type SinkStatus, type CurrentPartition } from './sink-status.ts';
export type { Sink, PartitionPayload, PartitionRef } from './sink.ts';
export { openSink, sinkWhere } from './open-sink.ts';
export { sinkColumn, PARTITION_COLUMN, VERSION_COLUMN, type SinkColumn, type SinkDialect } from './sink-columns.ts';
export { webhookSignature, SIGNATURE_HEADER } from './webhook/webhook-sink.ts';
