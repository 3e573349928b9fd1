/**
 * The buffer: where collected events wait, durably and in order, until the
 * lake takes them. `Log` is the contract (log.ts); `LocalLog` keeps it in
 * segment files on the local disk; a Kafka implementation will sit beside it
 * and share `partitionFor`, so keys land in the same partitions in both.
 */
export { BufferFullError, BufferUnavailableError } from './log.ts';
export type { Log, LogRecord, StoredRecord, RecordPosition, TopicPartitionOffset, LogStats } from './log.ts';
export { LocalLog, type LocalLogOptions, type LogRecovery } from './local/local-log.ts';
export { murmur2, partitionFor, toPositive } from './murmur2.ts';
