/**
 * Run history over Kysely: one row per build attempt, and its log lines
 * numbered per run. The statements `KyselyStateStore` runs for runs and logs;
 * they take a Kysely instance or transaction, as task-queue.ts does for tasks.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, RunLogsTable, RunsTable } from './database.ts';
import { chunks, toLogLine, toRun } from './rows.ts';
import type { LogLine, Run, RunFilter } from './roles/index.ts';
import type { StateStore } from './state-store.ts';

export type NewRun = Parameters<StateStore['startRun']>[0];
export type RunResult = Parameters<StateStore['finishRun']>[1];

export async function insertRun(db: Kysely<Database>, run: NewRun): Promise<void> {
  await insertRunQuery(db, run).execute();
}

/** The run as started; the SQLite hot path compiles this once (sqlite/sqlite-hot-path.ts). */
export function insertRunQuery(db: Kysely<Database>, run: NewRun) {
  return db.insertInto('runs').values({
    id: run.id,
    task_id: run.taskId,
    dataset: run.dataset,
    idx: run.idx,
    key: run.key,
    cause: run.cause,
    reason: run.reason,
    attempt: run.attempt,
    status: 'running',
    error: null,
    retryable: null,
    version_id: null,
    worker: run.worker,
    started_at: run.startedAt,
    finished_at: null,
  });
}

export async function finishRunIn(db: Kysely<Database>, id: string, result: RunResult): Promise<void> {
  await finishRunQuery(db, id, runResultColumns(result)).execute();
}

/** What a run's end sets, as stored. */
export type RunResultColumns = Pick<RunsTable, 'status' | 'error' | 'retryable' | 'version_id' | 'finished_at'>;

export function runResultColumns(result: RunResult): RunResultColumns {
  return {
    status: result.status,
    error: result.error ?? null,
    retryable: result.retryable === undefined ? null : result.retryable ? 1 : 0,
    version_id: result.versionId ?? null,
    finished_at: result.finishedAt,
  };
}

export function finishRunQuery(db: Kysely<Database>, id: string, columns: RunResultColumns) {
  return db.updateTable('runs').set(columns).where('id', '=', id);
}

/** Appends log lines after each run's last one; call inside a transaction. */
export async function appendLogsIn(trx: Kysely<Database>, lines: readonly LogLine[], maxParams: number): Promise<void> {
  const byRun = new Map<string, LogLine[]>();
  for (const l of lines) byRun.set(l.runId, [...(byRun.get(l.runId) ?? []), l]);
  for (const [runId, runLines] of byRun) {
    const last = await lastLogLineQuery(trx, runId).executeTakeFirst();
    const start = Number(last?.n ?? 0) + 1;
    const rows = runLines.map((l, i) => ({ run_id: runId, n: start + i, at: l.at, level: l.level, message: l.message }));
    for (const chunk of chunks(rows, 5, maxParams)) await insertLogLinesQuery(trx, chunk).execute();
  }
}

/** The number of the run's last log line (null before the first). */
export function lastLogLineQuery(db: Kysely<Database>, runId: string) {
  return db
    .selectFrom('run_logs')
    .select((eb) => eb.fn.max('n').as('n'))
    .where('run_id', '=', runId);
}

export function insertLogLinesQuery(db: Kysely<Database>, rows: readonly Selectable<RunLogsTable>[]) {
  return db.insertInto('run_logs').values(rows);
}

export async function getRun(db: Kysely<Database>, id: string): Promise<Run | undefined> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRun(row);
}

/** Newest first. */
export async function listRuns(db: Kysely<Database>, filter: RunFilter): Promise<Run[]> {
  if (filter.ids?.length === 0) return [];
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .$if(filter.dataset !== undefined, (qb) => qb.where('dataset', '=', filter.dataset ?? ''))
    .$if(filter.idx !== undefined, (qb) => qb.where('idx', '=', filter.idx ?? 0))
    .$if(filter.status !== undefined, (qb) => qb.where('status', '=', filter.status ?? 'running'))
    .$if(filter.cause !== undefined, (qb) => qb.where('cause', '=', filter.cause ?? 'manual'))
    .$if(filter.ids !== undefined, (qb) => qb.where('id', 'in', filter.ids ?? []))
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .$if(filter.limit !== undefined, (qb) => qb.limit(filter.limit ?? 0))
    .execute();
  return rows.map(toRun);
}

export async function runLogs(db: Kysely<Database>, runId: string): Promise<LogLine[]> {
  const rows = await db.selectFrom('run_logs').select(['run_id', 'at', 'level', 'message']).where('run_id', '=', runId).orderBy('n').execute();
  return rows.map(toLogLine);
}
