/**
 * The state store's public surface: the `StateStore` interface and its
 * values, and `openStateStore`, which picks SQLite or PostgreSQL from the
 * configuration and migrates the schema before handing the store out.
 */
export type {
  Cause,
  CheckFilter,
  CheckResult,
  CheckStatus,
  NewCheckResult,
  Column,
  CompleteBuildRequest,
  ConsumerOffset,
  LandingCommit,
  StreamActivityUpdate,
  CurrentVersion,
  DatasetKind,
  InputVersion,
  LogLine,
  NewTask,
  NewVersion,
  PartitionColumns,
  PartitionState,
  PartitionStatus,
  NewSchemaVersion,
  Run,
  RunFilter,
  SchemaSpan,
  SchemaVersion,
  SinkState,
  RunStatus,
  StateStore,
  StatusRun,
  StreamActivity,
  Task,
  TaskState,
  Version,
  VersionFile,
  ExpiryRule,
  ExpiredVersion,
  DeletedVersion,
  DeleteVersionsRequest,
  GcLogEntry,
} from './state-store.ts';
export { openStateStore } from './open-state-store.ts';
export type { OpenStateStoreOptions } from './open-state-store.ts';
