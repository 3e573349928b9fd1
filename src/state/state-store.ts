/**
 * The state store: what the lake holds (versions and which one is current),
 * the task queue with leases, runs and their logs, stream activity, the
 * schema registry, sink states, subjects' keys and forgetting, retention.
 * Two implementations pass one test suite: SQLite (embedded) and PostgreSQL.
 *
 * The store is split by role (roles/, one file each, like Dagster's run,
 * event-log and schedule storages): a consumer names only the roles it uses,
 * so a reader sees what a piece of code may touch, and a new implementation
 * of one role has a small interface to meet. `StateStore` is all of them.
 *
 * Window numbers (`idx`) are the partition's window index (see partition/);
 * unpartitioned datasets use idx 0 and key `all`. Times are ms since the epoch.
 */
import type {
  BuildCompletion,
  CheckStore,
  ForgetStore,
  GcStore,
  LandingStore,
  RunLog,
  SchemaRegistryStore,
  SinkStateStore,
  StreamActivityStore,
  SubjectKeyStore,
  TaskQueue,
  VersionStore,
} from './roles/index.ts';

/** What every implementation is, whatever it stores: its engine, and its schema's migrations (as Kysely's dialect adapters). */
export interface StateAdmin {
  /** `sqlite` or `postgres`. */
  readonly dialect: 'sqlite' | 'postgres';

  /** Creates or upgrades the schema by numbered migrations; safe to call every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface StateStore
  extends
    StateAdmin,
    VersionStore,
    TaskQueue,
    RunLog,
    BuildCompletion,
    LandingStore,
    StreamActivityStore,
    CheckStore,
    SchemaRegistryStore,
    SinkStateStore,
    SubjectKeyStore,
    ForgetStore,
    GcStore {}
