/**
 * Conversions between table rows and the state store's values. JSON columns
 * are parsed here, and 0/1 integers become booleans.
 */
import type { Selectable } from 'kysely';
import type { CheckResultsTable, PartitionsTable, RunsTable, TasksTable, VersionsTable } from './database.ts';
import type {
  Cause,
  CheckResult,
  CheckStatus,
  NewCheckResult,
  CurrentVersion,
  LogLine,
  NewVersion,
  PartitionState,
  PartitionStatus,
  Run,
  RunStatus,
  Task,
  TaskState,
  Version,
} from './roles/index.ts';
import type { Column, VersionFile } from '../model/index.ts';

export function versionRow(v: NewVersion, seq: number, state: Version['state']): Selectable<VersionsTable> {
  return {
    id: v.id,
    dataset: v.dataset,
    idx: v.idx,
    key: v.key,
    seq,
    state,
    prefix: v.prefix,
    files_json: JSON.stringify(v.files),
    rows: v.rows,
    bytes: v.bytes,
    schema_json: JSON.stringify(v.schema),
    code_fingerprint: v.codeFingerprint,
    input_seq: v.inputSeq,
    inputs_json: JSON.stringify(v.inputs),
    run_id: v.runId,
    cause: v.cause,
    created_at: v.createdAt,
    build_ms: v.buildMs,
  };
}

export function toVersion(r: Selectable<VersionsTable>): Version {
  return {
    id: r.id,
    dataset: r.dataset,
    idx: Number(r.idx),
    key: r.key,
    seq: Number(r.seq),
    state: r.state as Version['state'],
    prefix: r.prefix,
    files: JSON.parse(r.files_json) as Version['files'],
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    schema: JSON.parse(r.schema_json) as Version['schema'],
    codeFingerprint: r.code_fingerprint,
    inputSeq: Number(r.input_seq),
    inputs: JSON.parse(r.inputs_json) as Version['inputs'],
    runId: r.run_id,
    cause: r.cause as Cause,
    createdAt: Number(r.created_at),
    buildMs: Number(r.build_ms),
  };
}

/** A row of the partitions ⋈ versions join that `currentVersions` reads. */
export interface CurrentVersionRow {
  idx: number | string;
  key: string;
  id: string;
  current_seq: number | string;
  files_json: string;
  schema_json: string;
  rows: number | string;
}

export function toCurrentVersion(r: CurrentVersionRow): CurrentVersion {
  return {
    idx: Number(r.idx),
    key: r.key,
    versionId: r.id,
    currentSeq: Number(r.current_seq),
    files: JSON.parse(r.files_json) as VersionFile[],
    schema: JSON.parse(r.schema_json) as Column[],
    rows: Number(r.rows),
  };
}

export function toPartition(r: Selectable<PartitionsTable>): PartitionState {
  return {
    dataset: r.dataset,
    idx: Number(r.idx),
    key: r.key,
    versionId: r.version_id,
    currentSeq: Number(r.current_seq),
    inputSeq: Number(r.input_seq),
    codeFingerprint: r.code_fingerprint,
    status: r.status as PartitionStatus,
    error: r.error,
    updatedAt: Number(r.updated_at),
  };
}

export function toTask(r: Selectable<TasksTable>): Task {
  return {
    id: r.id,
    dataset: r.dataset,
    idx: Number(r.idx),
    key: r.key,
    cause: r.cause as Cause,
    reason: r.reason,
    priority: Number(r.priority),
    maxAttempts: Number(r.max_attempts),
    state: r.state as TaskState,
    attempts: Number(r.attempts),
    notBefore: Number(r.not_before),
    leaseOwner: r.lease_owner,
    leaseExpires: r.lease_expires === null ? null : Number(r.lease_expires),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    codeFingerprint: r.code_fingerprint,
  };
}

export function toRun(r: Selectable<RunsTable>): Run {
  return {
    id: r.id,
    taskId: r.task_id,
    dataset: r.dataset,
    idx: Number(r.idx),
    key: r.key,
    cause: r.cause as Cause,
    reason: r.reason,
    attempt: Number(r.attempt),
    status: r.status as RunStatus,
    error: r.error,
    retryable: r.retryable === null ? null : Number(r.retryable) !== 0,
    versionId: r.version_id,
    worker: r.worker,
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

export function toLogLine(r: { run_id: string; at: number; level: string; message: string }): LogLine {
  return { runId: r.run_id, at: Number(r.at), level: r.level as LogLine['level'], message: r.message };
}

/** Splits rows so that one statement carries at most `maxParams` bound values. */
export function chunks<T>(items: readonly T[], columns: number, maxParams: number): T[][] {
  const size = Math.max(1, Math.floor(maxParams / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function checkResultRow(c: NewCheckResult): Selectable<CheckResultsTable> {
  return {
    version_id: c.versionId,
    check_name: c.check,
    dataset: c.dataset,
    idx: c.idx,
    key: c.key,
    kind: c.kind,
    severity: c.severity,
    status: c.status,
    observed: c.observed,
    threshold: c.threshold,
    failing_rows: c.failingRows,
    sample_json: JSON.stringify(c.sample),
    key_columns_json: JSON.stringify(c.keyColumns),
    message: c.message,
    run_id: c.runId,
    checked_at: c.checkedAt,
  };
}

export function toCheckResult(r: Selectable<CheckResultsTable> & { version_state: string | null; current_version: string | null }): CheckResult {
  return {
    dataset: r.dataset,
    idx: Number(r.idx),
    key: r.key,
    versionId: r.version_id,
    check: r.check_name,
    kind: r.kind,
    severity: r.severity as CheckResult['severity'],
    status: r.status as CheckStatus,
    observed: r.observed,
    threshold: r.threshold,
    failingRows: Number(r.failing_rows),
    sample: JSON.parse(r.sample_json) as CheckResult['sample'],
    keyColumns: JSON.parse(r.key_columns_json) as string[],
    message: r.message,
    runId: r.run_id,
    checkedAt: Number(r.checked_at),
    versionState: r.version_state === 'committed' || r.version_state === 'quarantined' ? r.version_state : 'unknown',
    current: r.current_version === r.version_id,
  };
}
