/**
 * The statements the orchestrator runs for every partition (lease, start run,
 * read inputs' current versions, complete the build), as fixed SQL on cached
 * better-sqlite3 statements. Through Kysely each of them cost tens of
 * microseconds of query building and compiling plus a trip through its
 * driver, which was most of the state store's share of a build.
 *
 * Every write here mirrors the Kysely statement of the same name in
 * ../kysely-state-store.ts or ../task-queue.ts (which PostgreSQL still
 * uses); a change to one must be made to the other. The shared suite
 * (state-store.suite.ts) holds both to the same behaviour.
 */
import type Sqlite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { checkResultRow, toCurrentVersion, versionRow } from '../rows.ts';
import type { HotPath } from '../store-adapter.ts';
import type { CompleteBuildRequest, LandingCommit, LogLine, NewCheckResult, NewVersion, StateStore } from '../state-store.ts';
import { landingConflict } from '../landing-conflict.ts';
import { withFileLock } from './file-lock.ts';
import { leaseTasksSync } from './sqlite-lease-tasks.ts';
import { StatementCache } from './statement-cache.ts';

type Outcome = Parameters<StateStore['finishTask']>[2];
type RunResult = Parameters<StateStore['finishRun']>[1];

// Identifiers that are SQL keywords ("key", "rows") are quoted, as Kysely quotes every one.
const SQL = {
  takeSeqs: `update sequence set value = value + ? where id = 1 returning value`,
  insertCodeRef: `insert into code_fingerprints (fingerprint, ref) values (?, ?) on conflict (fingerprint) do nothing`,
  codeRef: `select ref from code_fingerprints where fingerprint = ?`,
  insertVersion: `insert into versions (id, dataset, idx, "key", seq, state, prefix, files_json, "rows", bytes, schema_json, code_fingerprint, input_seq, inputs_json, run_id, cause, created_at, build_ms)
    values (@id, @dataset, @idx, @key, @seq, @state, @prefix, @files_json, @rows, @bytes, @schema_json, @code_fingerprint, @input_seq, @inputs_json, @run_id, @cause, @created_at, @build_ms)`,
  upsertCurrent: `insert into partitions (dataset, idx, "key", version_id, current_seq, input_seq, code_fingerprint, code_ref, status, error, updated_at, change_seq)
    values (?, ?, ?, ?, ?, ?, ?, ?, 'ok', null, ?, ?)
    on conflict (dataset, idx) do update set "key" = excluded."key", version_id = excluded.version_id, current_seq = excluded.current_seq,
      input_seq = excluded.input_seq, code_fingerprint = excluded.code_fingerprint, code_ref = excluded.code_ref, status = 'ok', error = null,
      updated_at = excluded.updated_at, change_seq = excluded.change_seq`,
  upsertFailed: `insert into partitions (dataset, idx, "key", version_id, current_seq, input_seq, code_fingerprint, code_ref, status, error, updated_at, change_seq)
    values (?, ?, ?, null, 0, ?, null, null, 'failed', ?, ?, ?)
    on conflict (dataset, idx) do update set status = 'failed', input_seq = excluded.input_seq, error = excluded.error, updated_at = excluded.updated_at, change_seq = excluded.change_seq`,
  insertCheckResult: `insert into check_results (version_id, check_name, dataset, idx, "key", kind, severity, status, observed, threshold, failing_rows, sample_json, key_columns_json, message, run_id, checked_at)
    values (@version_id, @check_name, @dataset, @idx, @key, @kind, @severity, @status, @observed, @threshold, @failing_rows, @sample_json, @key_columns_json, @message, @run_id, @checked_at)`,
  // Owner-checked: a task whose lease expired and was taken over is left alone.
  finishDone: `update tasks set state = 'done', lease_expires = null, updated_at = ? where id = ? and lease_owner = ? and state = 'leased'`,
  finishFailed: `update tasks set state = 'failed', lease_expires = null, last_error = ?, updated_at = ? where id = ? and lease_owner = ? and state = 'leased'`,
  finishRequeued: `update tasks set state = 'queued', lease_owner = null, lease_expires = null, not_before = ?, last_error = ?, updated_at = ?
    where id = ? and lease_owner = ? and state = 'leased'`,
  startRun: `insert into runs (id, task_id, dataset, idx, "key", cause, reason, attempt, status, error, retryable, version_id, worker, started_at, finished_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, 'running', null, null, null, ?, ?, null)`,
  finishRun: `update runs set status = ?, error = ?, retryable = ?, version_id = ?, finished_at = ? where id = ?`,
  lastLogLine: `select max(n) from run_logs where run_id = ?`,
  insertLogLine: `insert into run_logs (run_id, n, at, level, message) values (?, ?, ?, ?, ?)`,
  currentVersion: `select version_id from partitions where dataset = ? and idx = ?`,
  upsertOffset: `insert into consumer_offsets (group_id, topic, "partition", next_offset, updated_at) values (?, ?, ?, ?, ?)
    on conflict (group_id, topic, "partition") do update set next_offset = excluded.next_offset, updated_at = excluded.updated_at`,
  insertMessage: `insert into landed_messages (stream, message_id, received_at) values (?, ?, ?)
    on conflict (stream, message_id) do update set received_at = excluded.received_at`,
  landedMessage: `select 1 from landed_messages where stream = ? and message_id = ?`,
  recordActivity: `insert into streams (stream, max_event_time, last_received_at, events, dead_letters) values (?, ?, ?, ?, ?)
    on conflict (stream) do update set
      max_event_time = case when excluded.max_event_time is not null and (streams.max_event_time is null or excluded.max_event_time > streams.max_event_time) then excluded.max_event_time else streams.max_event_time end,
      last_received_at = case when streams.last_received_at is null or excluded.last_received_at > streams.last_received_at then excluded.last_received_at else streams.last_received_at end,
      events = streams.events + excluded.events,
      dead_letters = streams.dead_letters + excluded.dead_letters`,
  currentVersions: `select p.idx, p."key", v.id, p.current_seq, v.files_json, v.schema_json, v."rows"
    from partitions as p inner join versions as v on v.id = p.version_id
    where p.dataset = ? and p.idx >= ? and p.idx < ? order by p.idx`,
} as const;

interface CurrentVersionRow {
  idx: number;
  key: string;
  id: string;
  current_seq: number;
  files_json: string;
  schema_json: string;
  rows: number;
}

/** Synchronous statements; each caller holds the locks and transaction it needs (see `sqliteHotPath`). */
class Statements {
  constructor(private readonly cache: StatementCache) {}

  private stmt(text: string): Sqlite.Statement {
    return this.cache.prepare(text);
  }

  /** Takes `n` sequence numbers; returns the first. */
  takeSeqs(n: number): number {
    const value = this.stmt(SQL.takeSeqs).pluck().get(n) as number | undefined;
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
    const insert = this.stmt(SQL.insertCodeRef);
    missing.forEach((f, i) => insert.run(f, seqs[i] ?? 0));
    const select = this.stmt(SQL.codeRef).pluck();
    for (const f of missing) {
      const ref = select.get(f) as number | undefined;
      if (ref !== undefined) refs.set(f, Number(ref));
    }
    return refs;
  }

  /** As `commitIn` in kysely-state-store.ts. */
  commit(known: ReadonlyMap<string, number>, versions: readonly NewVersion[]): { seqs: number[]; refs: Map<string, number> } {
    const first = this.takeSeqs(versions.length);
    const seqs = versions.map((_, i) => first + i);
    const refs = this.codeRefsFor(known, versions.map((v) => v.codeFingerprint), seqs);
    const insert = this.stmt(SQL.insertVersion);
    versions.forEach((v, i) => insert.run(versionRow(v, first + i, 'committed')));
    // One upsert per partition: the last version of a partition in the batch wins.
    const now = Date.now();
    const latest = new Map<string, { v: NewVersion; seq: number }>();
    versions.forEach((v, i) => latest.set(`${v.dataset}\u0000${v.idx}`, { v, seq: first + i }));
    const upsert = this.stmt(SQL.upsertCurrent);
    for (const { v, seq } of latest.values()) {
      // The row's change is this commit's seq, taken in this transaction (see partition-cache/).
      upsert.run(v.dataset, v.idx, v.key, v.id, seq, v.inputSeq, v.codeFingerprint, refs.get(v.codeFingerprint) ?? null, now, seq);
    }
    return { seqs, refs };
  }

  /** As `finishTaskIn` in task-queue.ts; returns whether `owner` held the lease. */
  finishTask(taskId: string, owner: string, outcome: Outcome): boolean {
    const now = Date.now();
    const result =
      outcome.state === 'done'
        ? this.stmt(SQL.finishDone).run(now, taskId, owner)
        : outcome.state === 'failed'
          ? this.stmt(SQL.finishFailed).run(outcome.error, now, taskId, owner)
          : this.stmt(SQL.finishRequeued).run(outcome.notBefore, outcome.error, now, taskId, owner);
    return result.changes > 0;
  }

  finishRun(id: string, result: RunResult): void {
    const retryable = result.retryable === undefined ? null : result.retryable ? 1 : 0;
    this.stmt(SQL.finishRun).run(result.status, result.error ?? null, retryable, result.versionId ?? null, result.finishedAt, id);
  }

  /** As `appendLogsIn` in kysely-state-store.ts: lines are numbered on from the run's last. */
  appendLogs(lines: readonly LogLine[]): void {
    const byRun = new Map<string, LogLine[]>();
    for (const l of lines) byRun.set(l.runId, [...(byRun.get(l.runId) ?? []), l]);
    const last = this.stmt(SQL.lastLogLine).pluck();
    const insert = this.stmt(SQL.insertLogLine);
    for (const [runId, runLines] of byRun) {
      const start = Number((last.get(runId) as number | null | undefined) ?? 0) + 1;
      runLines.forEach((l, i) => insert.run(runId, start + i, l.at, l.level, l.message));
    }
  }

  /** As `markFailedIn` in kysely-state-store.ts: the row takes a fresh seq as its change_seq and input_seq. */
  markFailed(p: { dataset: string; idx: number; key: string; error: string }): void {
    const seq = this.takeSeqs(1);
    this.stmt(SQL.upsertFailed).run(p.dataset, p.idx, p.key, seq, p.error, Date.now(), seq);
  }

  /** As `quarantineIn` in kysely-state-store.ts. */
  quarantine(version: NewVersion): void {
    this.stmt(SQL.insertVersion).run(versionRow(version, this.takeSeqs(1), 'quarantined'));
  }

  /** As `insertCheckResultsIn` in kysely-state-store.ts. */
  insertCheckResults(results: readonly NewCheckResult[]): void {
    const insert = this.stmt(SQL.insertCheckResult);
    for (const r of results) insert.run(checkResultRow(r));
  }

  startRun(run: Parameters<StateStore['startRun']>[0]): void {
    this.stmt(SQL.startRun).run(run.id, run.taskId, run.dataset, run.idx, run.key, run.cause, run.reason, run.attempt, run.worker, run.startedAt);
  }

  /** As `commitLanding` in kysely-state-store.ts, inside the caller's transaction. */
  commitLanding(known: ReadonlyMap<string, number>, commit: LandingCommit): { seqs: number[]; refs: Map<string, number> } {
    const current = this.stmt(SQL.currentVersion).pluck();
    for (const { version, replaces } of commit.versions) {
      const found = (current.get(version.dataset, version.idx) as string | null | undefined) ?? null;
      if (found !== replaces) throw landingConflict(version, found, replaces);
    }
    const committed = commit.versions.length > 0 ? this.commit(known, commit.versions.map((v) => v.version)) : { seqs: [], refs: new Map<string, number>() };
    const now = Date.now();
    const offset = this.stmt(SQL.upsertOffset);
    for (const o of commit.offsets) offset.run(o.group, o.topic, o.partition, o.offset, now);
    const message = this.stmt(SQL.insertMessage);
    for (const m of commit.messages) message.run(m.stream, m.messageId, m.receivedAt);
    const activity = this.stmt(SQL.recordActivity);
    for (const a of commit.activity) activity.run(a.stream, a.maxEventTime, a.receivedAt, a.events, a.deadLetters);
    for (const q of commit.quarantined ?? []) {
      this.quarantine(q.version);
      this.markFailed({ dataset: q.version.dataset, idx: q.version.idx, key: q.version.key, error: q.error });
    }
    this.insertCheckResults(commit.checks ?? []);
    return committed;
  }

  landedMessages(stream: string, messageIds: readonly string[]): Set<string> {
    const found = new Set<string>();
    const select = this.stmt(SQL.landedMessage).pluck();
    for (const id of messageIds) if (select.get(stream, id) !== undefined) found.add(id);
    return found;
  }

  currentVersions(dataset: string, from: number, to: number): CurrentVersionRow[] {
    return this.stmt(SQL.currentVersions).all(dataset, from, to) as CurrentVersionRow[];
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
  const s = new Statements(cache);
  const immediate = file.transaction((fn: () => unknown) => fn()).immediate;

  const onConnection = <T>(fn: () => T): Promise<T> => db.connection().execute(async () => fn());
  const write = <T>(fn: () => T): Promise<T> => withFileLock(path, () => onConnection(fn));
  const transaction = <T>(fn: () => T): Promise<T> => write(() => immediate(fn) as T);

  return {
    leaseTasks(request) {
      if (request.limit <= 0 || request.datasets?.length === 0) return Promise.resolve([]);
      return transaction(() => leaseTasksSync(cache, request));
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
          run = { status: 'failed', error: 'the task lease was lost before the commit; the version was not committed', retryable: true, finishedAt: run.finishedAt };
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
