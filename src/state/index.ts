/**
 * The state store's public surface: its roles (roles/) and their values,
 * `StateStore` (all roles at once), and `openStateStore`, which picks SQLite
 * or PostgreSQL from the configuration and migrates the schema before
 * handing the store out. Storage-independent values (columns, version files,
 * input versions, windows) are in model/.
 */
export type { CompleteBuildRequest, BuildCompletion } from './roles/builds.ts';
export type { CheckStatus, NewCheckResult, CheckResult, CheckFilter, CheckStore } from './roles/checks.ts';
export type {
  ForgetStatus,
  NewForgetRequest,
  ForgetRequest,
  ForgetVerification,
  ForgetFinding,
  StateText,
  CondemnedVersion,
  ForgetPartition,
  ForgetStore,
} from './roles/forgetting.ts';
export type {
  ExpiryRule,
  ExpiredVersion,
  DeletedVersion,
  GcLogEntry,
  ExpirePartitionsRequest,
  ExpiredPartition,
  DeleteVersionsRequest,
  GcStore,
} from './roles/gc.ts';
export type { ConsumerOffset, LandingCommit, LandingStore } from './roles/landing.ts';
export type { RunStatus, Run, LogLine, RunFilter, RunLog } from './roles/run-log.ts';
export type { SchemaVersion, NewSchemaVersion, SchemaRegistryStore } from './roles/schema-registry.ts';
export type { SinkState, SinkStateStore } from './roles/sink-states.ts';
export type { StreamActivity, StreamActivityUpdate, StreamActivityStore } from './roles/stream-activity.ts';
export type { NewSubjectKey, SubjectKey, KeyRingStamp, SubjectKeyStore } from './roles/subject-keys.ts';
export type { TaskState, NewTask, Task, TaskQueue } from './roles/task-queue.ts';
export type {
  DatasetKind,
  Cause,
  NewVersion,
  Version,
  PartitionStatus,
  PartitionState,
  PartitionColumns,
  CurrentVersion,
  StatusRun,
  SchemaSpan,
  VersionStore,
} from './roles/versions.ts';
export type { StateAdmin, StateStore } from './state-store.ts';
export { openStateStore } from './open-state-store.ts';
export type { OpenStateStoreOptions } from './open-state-store.ts';
