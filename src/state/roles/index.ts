/**
 * The state store's roles, one file each: the interface a consumer names, and
 * the values it reads and writes. `StateStore` (state-store.ts) is all of them.
 */
export type { CompleteBuildRequest, BuildCompletion } from './builds.ts';
export type { CheckStatus, NewCheckResult, CheckResult, CheckFilter, CheckStore } from './checks.ts';
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
} from './forgetting.ts';
export type {
  ExpiryRule,
  ExpiredVersion,
  DeletedVersion,
  GcLogEntry,
  ExpirePartitionsRequest,
  ExpiredPartition,
  DeleteVersionsRequest,
  GcStore,
} from './gc.ts';
export type { ConsumerOffset, LandingCommit, LandingStore } from './landing.ts';
export type { RunStatus, Run, LogLine, RunFilter, RunLog } from './run-log.ts';
export type { SchemaVersion, NewSchemaVersion, SchemaRegistryStore } from './schema-registry.ts';
export type { SinkState, SinkStateStore } from './sink-states.ts';
export type { StreamActivity, StreamActivityUpdate, StreamActivityStore } from './stream-activity.ts';
export type { NewSubjectKey, SubjectKey, KeyRingStamp, SubjectKeyStore } from './subject-keys.ts';
export type { TaskState, NewTask, Task, TaskQueue } from './task-queue.ts';
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
} from './versions.ts';
