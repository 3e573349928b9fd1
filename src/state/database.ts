/**
 * The state database's tables as Kysely sees them. Times and sequence numbers
 * are BIGINT in the schema and plain numbers here (PostgreSQL's int8 is parsed
 * to a number by the pool's type parser). JSON columns are text that both
 * databases store as-is; booleans are 0/1 integers because SQLite has none.
 */

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  sequence: SequenceTable;
  partitions: PartitionsTable;
  code_fingerprints: CodeFingerprintsTable;
  versions: VersionsTable;
  streams: StreamsTable;
  tasks: TasksTable;
  runs: RunsTable;
  run_logs: RunLogsTable;
  meta: MetaTable;
  consumer_offsets: ConsumerOffsetsTable;
  landed_messages: LandedMessagesTable;
  check_results: CheckResultsTable;
  schema_versions: SchemaVersionsTable;
  sink_state: SinkStateTable;
  gc_log: GcLogTable;
  subject_keys: SubjectKeysTable;
  forget_requests: ForgetRequestsTable;
  forget_partitions: ForgetPartitionsTable;
  condemned_versions: CondemnedVersionsTable;
}

/** The audit log of forgetting: one row per subject, by pseudonym (see migration 009). */
export interface ForgetRequestsTable {
  id: string;
  pseudonym: string;
  requested_at: number;
  requested_by: string;
  reason: string;
  had_key: number;
  status: string;
  seq: number | null;
  raw_partitions: number | null;
  completed_at: number | null;
  verified_at: number | null;
  /** The last verification's findings, as JSON (see lifecycle/forget/verify-subject.ts). */
  verification: string | null;
}

/** A derived partition a forget request waits to see rebuilt, and the version it held when asked. */
export interface ForgetPartitionsTable {
  request_id: string;
  dataset: string;
  idx: number;
  key: string;
  version_id: string | null;
}

/** Each data subject's key, wrapped, by pseudonym; `wrapped_key` is null once forgotten (see migration 008). */
export interface SubjectKeysTable {
  pseudonym: string;
  wrapped_key: string | null;
  created_at: number;
  forgotten_at: number | null;
  /** The key epoch whose key wraps `wrapped_key`; null: the master key's own wrapping key (before epochs). */
  epoch: number | null;
}

/** Versions that held a forgotten subject, to delete whatever the retention (see migration 010). */
export interface CondemnedVersionsTable {
  dataset: string;
  version_id: string;
  request_id: string;
  at: number;
}

/** What garbage collection deleted: versions one row each, swept files one row per dataset (see migration 007). */
export interface GcLogTable {
  gc_id: string;
  n: number;
  at: number;
  kind: string;
  dataset: string;
  idx: number | null;
  key: string | null;
  version_id: string | null;
  reason: string;
  files: number;
  bytes: number;
}

/** What each sink published of each partition, and its last failure (see migration 006). */
export interface SinkStateTable {
  dataset: string;
  sink: string;
  idx: number;
  key: string;
  version_id: string | null;
  published_at: number | null;
  attempted_version: string | null;
  error: string | null;
  attempts: number;
  next_attempt_at: number | null;
  updated_at: number;
}

/** The schema registry: versions of each stream's JSON Schema, numbered from 1 per stream (see migration 005). */
export interface SchemaVersionsTable {
  stream: string;
  version: number;
  fingerprint: string;
  /** The schema as canonical JSON (sorted keys, no whitespace). */
  schema_json: string;
  compatibility: string;
  registered_at: number;
}

/** Where each consumer group is in each buffer partition: the next offset it reads. */
export interface ConsumerOffsetsTable {
  group_id: string;
  topic: string;
  partition: number;
  next_offset: number;
  updated_at: number;
}

/** MessageIds landed recently, per stream (or dead-letter dataset), for dedup. */
export interface LandedMessagesTable {
  stream: string;
  message_id: string;
  received_at: number;
}

/** Facts about the database itself; `store_id` is its random identity (see migration 002). */
export interface CheckResultsTable {
  version_id: string;
  check_name: string;
  dataset: string;
  idx: number;
  key: string;
  kind: string;
  severity: string;
  status: string;
  observed: string | null;
  threshold: string | null;
  failing_rows: number;
  sample_json: string;
  key_columns_json: string;
  message: string | null;
  run_id: string | null;
  checked_at: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** One row (id 1): the global sequence counter that orders every commit. */
export interface SequenceTable {
  id: number;
  value: number;
}

export interface PartitionsTable {
  dataset: string;
  idx: number;
  key: string;
  version_id: string | null;
  current_seq: number;
  input_seq: number;
  code_fingerprint: string | null;
  code_ref: number | null;
  status: string;
  error: string | null;
  updated_at: number;
  /** Sequence value taken by the last write to the row; snapshots read only rows above the seq they cover. */
  change_seq: number;
}

/** Numbers for code fingerprints; `ref` is the seq of the commit that first used one. */
export interface CodeFingerprintsTable {
  ref: number;
  fingerprint: string;
}

export interface VersionsTable {
  id: string;
  dataset: string;
  idx: number;
  key: string;
  seq: number;
  state: string;
  prefix: string;
  files_json: string;
  rows: number;
  bytes: number;
  schema_json: string;
  code_fingerprint: string;
  input_seq: number;
  inputs_json: string;
  run_id: string | null;
  cause: string;
  created_at: number;
  build_ms: number;
}

export interface StreamsTable {
  stream: string;
  max_event_time: number | null;
  last_received_at: number | null;
  events: number;
  dead_letters: number;
}

export interface TasksTable {
  id: string;
  dataset: string;
  idx: number;
  key: string;
  cause: string;
  reason: string;
  priority: number;
  max_attempts: number;
  state: string;
  attempts: number;
  not_before: number;
  lease_owner: string | null;
  lease_expires: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  code_fingerprint: string | null;
}

export interface RunsTable {
  id: string;
  task_id: string | null;
  dataset: string;
  idx: number;
  key: string;
  cause: string;
  reason: string;
  attempt: number;
  status: string;
  error: string | null;
  retryable: number | null;
  version_id: string | null;
  worker: string;
  started_at: number;
  finished_at: number | null;
}

/** Log lines are numbered per run (`n`), which keeps their order without a dialect-specific autoincrement. */
export interface RunLogsTable {
  run_id: string;
  n: number;
  at: number;
  level: string;
  message: string;
}
