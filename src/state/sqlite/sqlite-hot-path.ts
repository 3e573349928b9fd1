/**
 * The statements the orchestrator runs for every partition (lease, start run,
 * read inputs' current versions, complete the build), as fixed SQL on cached
 * better-sqlite3 statements. Through Kysely each of them cost tens of
 * microseconds of query building and compiling plus a trip through its
 * driver, which was most of the state store's share of a build.
 *
 * No SQL is written here: each statement is built by the function the Kysely
 * store executes (../version-statements.ts, ../landing-statements.ts,
 * ../task-queue.ts, ../run-history.ts) and compiled once (see
 * compiled-statements.ts). What is written twice is the control flow around
 * them, which follows the Kysely method named in each comment; the shared
 * suite (state-store.suite.ts) runs on SQLite with this path and without it.
 */
import type Sqlite from 'better-sqlite3';
import type { Compilable, Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { landingConflict } from '../landing-conflict.ts';
import { insertMessagesQuery, landedMessagesQuery, recordActivityQuery, upsertOffsetQuery } from '../landing-statements.ts';
import { checkResultRow, toCurrentVersion, versionRow } from '../rows.ts';
import { finishRunQuery, insertLogLinesQuery, insertRunQuery, lastLogLineQuery, runResultColumns } from '../run-history.ts';
import type { HotPath } from '../store-adapter.ts';
import type { CompleteBuildRequest, LandingCommit, LogLine, NewCheckResult, NewVersion } from '../roles/index.ts';
import type { StateStore } from '../state-store.ts';
import { finishTaskQuery } from '../task-queue.ts';
import {
  codeRefsQuery,
  currentRowsOf,
  currentVersionQuery,
  currentVersionsQuery,
  insertCheckResultsQuery,
  insertCodeRefsQuery,
  insertVersionsQuery,
  takeSeqsQuery,
  upsertCurrentQuery,
  upsertFailedQuery,
} from '../version-statements.ts';
import { CompiledStatement, CompiledStatements, slot, slotRow } from './compiled-statements.ts';
import { withFileLock } from './file-lock.ts';
import { leaseTasksSync } from './sqlite-lease-tasks.ts';
import { StatementCache } from './statement-cache.ts';

type Outcome = Parameters<StateStore['finishTask']>[2];
type RunResult = Parameters<StateStore['finishRun']>[1];
type NewRun = Parameters<StateStore['startRun']>[0];

interface CurrentVersionRow {
  idx: number;
  key: string;
  id: string;
  current_seq: number;
  files_json: string;
  schema_json: string;
  rows: number;
}

const str = (name: string): string => slot<string>(name);
const num = (name: string): number => slot<number>(name);

/** Stand-ins for every field `insertRunQuery` reads of a run. */
const RUN: NewRun = {
  id: str('id'),
  taskId: str('taskId'),
  dataset: str('dataset'),
  idx: num('idx'),
  key: str('key'),
  cause: slot('cause'),
  reason: str('reason'),
  attempt: num('attempt'),
  worker: str('worker'),
  startedAt: num('startedAt'),
};

/** Synchronous statements; each caller holds the locks and transaction it needs (see `sqliteHotPath`). */
class Statements {
  private readonly takeSeqsSql: CompiledStatement;
  private readonly insertCodeRef: CompiledStatement;
  private readonly codeRef: CompiledStatement;
  private readonly upsertFailed: CompiledStatement;
  private readonly finishDone: CompiledStatement;
  private readonly finishFailed: CompiledStatement;
  private readonly finishRequeued: CompiledStatement;
  private readonly startRunSql: CompiledStatement;
  private readonly lastLogLine: CompiledStatement;
  private readonly currentVersion: CompiledStatement;
  private readonly landedMessage: CompiledStatement;
  private readonly currentVersionsSql: CompiledStatement;
  // Row inserts are compiled on first use, with the columns of the first row (each comes from one row function).
  private insertVersion?: CompiledStatement;
  private upsertCurrent?: CompiledStatement;
  private insertCheckResult?: CompiledStatement;
  private finishRunSql?: CompiledStatement;
  private insertLogLine?: CompiledStatement;
  private upsertOffset?: CompiledStatement;
  private insertMessage?: CompiledStatement;
  private recordActivity?: CompiledStatement;

  constructor(
    private readonly cache: StatementCache,
    private readonly db: Kysely<Database>,
  ) {
    const c = (query: Compilable): CompiledStatement => this.compile(query);
    this.takeSeqsSql = c(takeSeqsQuery(db, num('n')));
    this.insertCodeRef = c(insertCodeRefsQuery(db, [{ fingerprint: str('fingerprint'), ref: num('ref') }]));
    this.codeRef = c(codeRefsQuery(db, [str('fingerprint')]));
    this.upsertFailed = c(
      upsertFailedQuery(db, { dataset: str('dataset'), idx: num('idx'), key: str('key'), error: str('error'), seq: num('seq'), now: num('now') }),
    );
    this.finishDone = c(finishTaskQuery(db, str('taskId'), str('owner'), { state: 'done' }, num('now')));
    this.finishFailed = c(finishTaskQuery(db, str('taskId'), str('owner'), { state: 'failed', error: str('error') }, num('now')));
    this.finishRequeued = c(
      finishTaskQuery(db, str('taskId'), str('owner'), { state: 'queued', notBefore: num('notBefore'), error: str('error') }, num('now')),
    );
    this.startRunSql = c(insertRunQuery(db, RUN));
    this.lastLogLine = c(lastLogLineQuery(db, str('runId')));
    this.currentVersion = c(currentVersionQuery(db, str('dataset'), num('idx')));
    this.landedMessage = c(landedMessagesQuery(db, str('stream'), [str('messageId')]));
    this.currentVersionsSql = c(currentVersionsQuery(db, str('dataset'), num('from'), num('to')));
  }

  private compile(query: Compilable): CompiledStatement {
    return new CompiledStatement(this.cache, query);
  }

  /** Takes `n` sequence numbers; returns the first. */
  takeSeqs(n: number): number {
    const value = this.takeSeqsSql.value<number>({ n });
    if (value === undefined) throw new Error('the state database has no sequence row; was it migrated?');
    return Number(value) - n + 1;
  }

  /** As `codeRefsFor` in kysely-state-store.ts: missing fingerprints get refs from `seqs`, in order. */
  codeRefsFor(known: ReadonlyMap<string, number>, fingerprints: readonly string[], seqs: readonly number[]): Map<string, number> {
    const refs = new Map<string, number>();
    const missing: string[] = [];
    for (const f of new Set(fingerprints)) {
      const ref = known.get(f);
      if (ref === undefined) missing.push(f);
      else refs.set(f, ref);
    }
    missing.forEach((fingerprint, i) => this.insertCodeRef.run({ fingerprint, ref: seqs[i] ?? 0 }));
    for (const fingerprint of missing) {
      const row = this.codeRef.get<{ ref: number }>({ fingerprint });
      if (row !== undefined) refs.set(fingerprint, Number(row.ref));
    }
    return refs;
  }

  /** As `commitIn` in kysely-state-store.ts. */
  commit(known: ReadonlyMap<string, number>, versions: readonly NewVersion[]): { seqs: number[]; refs: Map<string, number> } {
    const first = this.takeSeqs(versions.length);
    const seqs = versions.map((_, i) => first + i);
    const refs = this.codeRefsFor(
      known,
      versions.map((v) => v.codeFingerprint),
      seqs,
    );
    versions.forEach((v, i) => this.insertVersionRow(versionRow(v, first + i, 'committed')));
    // One upsert per partition: the last version of a partition in the batch wins.
    for (const row of currentRowsOf(versions, first, refs, Date.now())) {
      (this.upsertCurrent ??= this.compile(upsertCurrentQuery(this.db, [slotRow(row)]))).run(row);
    }
    return { seqs, refs };
  }

  private insertVersionRow(row: ReturnType<typeof versionRow>): void {
    (this.insertVersion ??= this.compile(insertVersionsQuery(this.db, [slotRow(row)]))).run(row);
  }

  /** As `finishTaskIn` in task-queue.ts; returns whether `owner` held the lease. */
  finishTask(taskId: string, owner: string, outcome: Outcome): boolean {
    const now = Date.now();
    const result =
      outcome.state === 'done'
        ? this.finishDone.run({ taskId, owner, now })
        : outcome.state === 'failed'
          ? this.finishFailed.run({ taskId, owner, now, error: outcome.error })
          : this.finishRequeued.run({ taskId, owner, now, error: outcome.error, notBefore: outcome.notBefore });
    return result.changes > 0;
  }

  /** As `finishRunIn` in run-history.ts. */
  finishRun(id: string, result: RunResult): void {
    const columns = runResultColumns(result);
    (this.finishRunSql ??= this.compile(finishRunQuery(this.db, str('id'), slotRow(columns)))).run({ ...columns, id });
  }

  /** As `appendLogsIn` in run-history.ts: lines are numbered on from the run's last. */
  appendLogs(lines: readonly LogLine[]): void {
    const byRun = new Map<string, LogLine[]>();
    for (const l of lines) byRun.set(l.runId, [...(byRun.get(l.runId) ?? []), l]);
    for (const [runId, runLines] of byRun) {
      const start = Number(this.lastLogLine.value<number | null>({ runId }) ?? 0) + 1;
      runLines.forEach((l, i) => {
        const row = { run_id: runId, n: start + i, at: l.at, level: l.level, message: l.message };
        (this.insertLogLine ??= this.compile(insertLogLinesQuery(this.db, [slotRow(row)]))).run(row);
      });
    }
  }

  /** As `markFailedIn` in kysely-state-store.ts: the row takes a fresh seq as its change_seq and input_seq. */
  markFailed(p: { dataset: string; idx: number; key: string; error: string }): void {
    const seq = this.takeSeqs(1);
    this.upsertFailed.run({ ...p, seq, now: Date.now() });
  }

  /** As `quarantineIn` in kysely-state-store.ts. */
  quarantine(version: NewVersion): void {
    this.insertVersionRow(versionRow(version, this.takeSeqs(1), 'quarantined'));
  }

  /** As `insertCheckResultsIn` in kysely-state-store.ts. */
  insertCheckResults(results: readonly NewCheckResult[]): void {
    for (const r of results) {
      const row = checkResultRow(r);
      (this.insertCheckResult ??= this.compile(insertCheckResultsQuery(this.db, [slotRow(row)]))).run(row);
    }
  }

  startRun(run: NewRun): void {
    this.startRunSql.run(run);
  }

  /** As `commitLanding` in kysely-state-store.ts, inside the caller's transaction. */
  commitLanding(known: ReadonlyMap<string, number>, commit: LandingCommit): { seqs: number[]; refs: Map<string, number> } {
    for (const { version, replaces } of commit.versions) {
      const found = this.currentVersion.value<string | null>({ dataset: version.dataset, idx: version.idx }) ?? null;
      if (found !== replaces) throw landingConflict(version, found, replaces);
    }
    const committed =
      commit.versions.length > 0
        ? this.commit(
            known,
            commit.versions.map((v) => v.version),
          )
        : { seqs: [], refs: new Map<string, number>() };
    const now = Date.now();
    for (const o of commit.offsets) {
      const row = { group_id: o.group, topic: o.topic, partition: o.partition, next_offset: o.offset, updated_at: now };
      (this.upsertOffset ??= this.compile(upsertOffsetQuery(this.db, slotRow(row)))).run(row);
    }
    for (const m of commit.messages) {
      const row = { stream: m.stream, message_id: m.messageId, received_at: m.receivedAt };
      (this.insertMessage ??= this.compile(insertMessagesQuery(this.db, [slotRow(row)]))).run(row);
    }
    for (const a of commit.activity) {
      const row = { stream: a.stream, max_event_time: a.maxEventTime, last_received_at: a.receivedAt, events: a.events, dead_letters: a.deadLetters };
      (this.recordActivity ??= this.compile(recordActivityQuery(this.db, slotRow(row)))).run(row);
    }
    for (const q of commit.quarantined ?? []) {
      this.quarantine(q.version);
      this.markFailed({ dataset: q.version.dataset, idx: q.version.idx, key: q.version.key, error: q.error });
    }
    this.insertCheckResults(commit.checks ?? []);
    return committed;
  }

  landedMessages(stream: string, messageIds: readonly string[]): Set<string> {
    const found = new Set<string>();
    for (const messageId of messageIds) if (this.landedMessage.get({ stream, messageId }) !== undefined) found.add(messageId);
    return found;
  }

  currentVersions(dataset: string, from: number, to: number): CurrentVersionRow[] {
    return this.currentVersionsSql.all<CurrentVersionRow>({ dataset, from, to });
  }
}

/**
 * The hot path over `file`, which Kysely (`db`) also uses: every call first
 * takes Kysely's connection lock, so it never lands inside a transaction
 * another caller holds open across an `await`, and writers also take the
 * file lock first, in the same order as the adapter's `writeTransaction`.
 * Inside the locks each call runs synchronously to the end, in one
 * `BEGIN IMMEDIATE` transaction where the Kysely version has one.
 */
export function sqliteHotPath(file: Sqlite.Database, db: Kysely<Database>, path: string): HotPath {
  // Prepared lazily: the tables exist only once the store has migrated.
  const cache = new StatementCache(file, 64);
  const s = new Statements(cache, db);
  const lease = new CompiledStatements(cache);
  const immediate = file.transaction((fn: () => unknown) => fn()).immediate;

  const onConnection = <T>(fn: () => T): Promise<T> => db.connection().execute(async () => fn());
  const write = <T>(fn: () => T): Promise<T> => withFileLock(path, () => onConnection(fn));
  const transaction = <T>(fn: () => T): Promise<T> => write(() => immediate(fn) as T);

  return {
    leaseTasks(request) {
      if (request.limit <= 0 || request.datasets?.length === 0) return Promise.resolve([]);
      return transaction(() => leaseTasksSync(lease, db, request));
    },

    startRun: (run) => write(() => s.startRun(run)),

    commitLanding: (commit, knownRefs) => transaction(() => s.commitLanding(knownRefs, commit)),

    landedMessages: (stream, messageIds) => onConnection(() => s.landedMessages(stream, messageIds)),

    async currentVersions(dataset, from, to) {
      const rows = await onConnection(() => s.currentVersions(dataset, from, to));
      return rows.map(toCurrentVersion);
    },

    // As `completeBuild` in kysely-state-store.ts, step for step.
    completeBuild: (request: CompleteBuildRequest, knownRefs) =>
      transaction(() => {
        // The lease first: it decides what else may be written.
        const held = s.finishTask(request.taskId, request.owner, request.task);
        let seq: number | null = null;
        let refs = new Map<string, number>();
        let run = request.run;
        if (held && request.version) {
          const committed = s.commit(knownRefs, [request.version]);
          seq = committed.seqs[0] ?? null;
          refs = committed.refs;
        } else if (!held && run.status === 'succeeded') {
          // Another worker may own the partition now: the version stays uncommitted, and the run must not claim success.
          run = {
            status: 'failed',
            error: 'the task lease was lost before the commit; the version was not committed',
            retryable: true,
            finishedAt: run.finishedAt,
          };
        }
        if (held && request.quarantine) s.quarantine(request.quarantine);
        if (held && request.checks) s.insertCheckResults(request.checks);
        const versionId = seq !== null ? request.version?.id : held ? request.quarantine?.id : undefined;
        s.finishRun(request.runId, { ...run, versionId });
        if (request.logs.length > 0) s.appendLogs(request.logs);
        if (held && request.markFailed) s.markFailed(request.markFailed);
        return { held, seq, refs };
      }),
  };
}
