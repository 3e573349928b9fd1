/**
 * The one implementation of `StateStore`, over Kysely, for SQLite and
 * PostgreSQL alike. What differs between the two (transaction locking, lease
 * locking, parameter limits, fast bulk reads, which errors mean "unavailable")
 * comes from a `StoreAdapter`; see `sqlite/` and `postgres/`. An adapter may
 * also run the orchestrator's per-partition statements itself (`hotPath`),
 * with the same semantics, where Kysely's per-query overhead dominates.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { migrate } from './migrations/index.ts';
import { kyselySource } from './partition-cache/kysely-source.ts';
import { PartitionColumnsCache } from './partition-cache/partition-columns-cache.ts';
import type { CacheOptions } from './partition-cache/partition-columns-cache.ts';
import { checkResultRow, chunks, toCheckResult, toCurrentVersion, toPartition, toTask, toVersion, versionRow } from './rows.ts';
import type { StoreAdapter } from './store-adapter.ts';
import * as condemned from './condemned-versions.ts';
import * as history from './run-history.ts';
import * as schemas from './schema-versions.ts';
import * as sinkState from './sink-states.ts';
import * as subjects from './subject-keys.ts';
import * as forget from './forget-requests.ts';
import * as retention from './version-retention.ts';
import { expirePartitionsIn } from './partition-expiry.ts';
import * as queue from './task-queue.ts';
import { schemaHistory } from './schema-history.ts';
import type {
  CheckFilter,
  CheckResult,
  NewCheckResult,
  CurrentVersion,
  LogLine,
  NewSchemaVersion,
  NewTask,
  NewVersion,
  PartitionColumns,
  PartitionState,
  Run,
  RunFilter,
  SchemaSpan,
  SchemaVersion,
  SinkState,
  StatusRun,
  StreamActivity,
  Task,
  TaskState,
  Version,
  CompleteBuildRequest,
  ConsumerOffset,
  LandingCommit,
  StreamActivityUpdate,
  DeletedVersion,
  DeleteVersionsRequest,
  ExpiredPartition,
  ExpirePartitionsRequest,
  ExpiredVersion,
  ExpiryRule,
  GcLogEntry,
  KeyRingStamp,
  CondemnedVersion,
  NewSubjectKey,
  SubjectKey,
  ForgetPartition,
  ForgetRequest,
  ForgetStatus,
  ForgetVerification,
  StateText,
  NewForgetRequest,
} from './roles/index.ts';
import type { StateStore } from './state-store.ts';
import { landingConflict } from './landing-conflict.ts';
import { insertMessagesQuery, landedMessagesQuery, recordActivityQuery, upsertOffsetQuery } from './landing-statements.ts';
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
} from './version-statements.ts';

const TASK_STATES: readonly TaskState[] = ['queued', 'leased', 'done', 'failed', 'cancelled'];

export class KyselyStateStore implements StateStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Fingerprint to ref; a mapping never changes once made, so caching it is safe. */
  private readonly codeRefs = new Map<string, number>();
  /** Snapshot + delta reads of partitionColumns (see partition-cache/). */
  private readonly columns: PartitionColumnsCache;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly adapter: StoreAdapter,
    cacheOptions: CacheOptions = {},
  ) {
    this.dialect = adapter.dialect;
    const generic = kyselySource(db);
    const fast = adapter.partitionSnapshot?.bind(adapter);
    const source = fast ? { ...generic, full: fast } : generic;
    this.columns = new PartitionColumnsCache(source, adapter.snapshotShelf, cacheOptions);
  }

  /** Runs a statement; errors that mean the database cannot be used now become STORAGE_UNAVAILABLE. */
  private async guard<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.adapter.unavailable(error, doing) ?? error;
    }
  }

  /** A single-statement write; see `StoreAdapter.exclusive`. */
  private write<T>(fn: () => Promise<T>): Promise<T> {
    return this.adapter.exclusive(fn);
  }

  private tx<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.adapter.writeTransaction(this.db, fn);
  }

  async migrate(): Promise<void> {
    await this.guard('migrate the state schema', () => migrate(this.db, this.adapter));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // Versions and partitions ----------------------------------------------------------

  /** Takes `n` sequence numbers inside `trx`; returns the first. */
  private async takeSeqs(trx: Kysely<Database>, n: number): Promise<number> {
    const row = await takeSeqsQuery(trx, n).executeTakeFirstOrThrow();
    return Number(row.value) - n + 1;
  }

  /**
   * The refs of these fingerprints, creating missing ones with refs from
   * `seqs` (unique to this commit). The caller caches them only once its
   * transaction committed, so a rollback cannot leave a ref without its row.
   */
  private async codeRefsFor(trx: Kysely<Database>, fingerprints: readonly string[], seqs: readonly number[]): Promise<Map<string, number>> {
    const refs = new Map<string, number>();
    const missing: string[] = [];
    for (const f of new Set(fingerprints)) {
      const known = this.codeRefs.get(f);
      if (known === undefined) missing.push(f);
      else refs.set(f, known);
    }
    if (missing.length > 0) {
      const rows = missing.map((fingerprint, i) => ({ fingerprint, ref: seqs[i] ?? 0 }));
      for (const chunk of chunks(rows, 2, this.adapter.maxParams)) {
        await insertCodeRefsQuery(trx, chunk).execute();
      }
      for (const chunk of chunks(missing, 1, this.adapter.maxParams)) {
        const found = await codeRefsQuery(trx, chunk).execute();
        for (const r of found) refs.set(r.fingerprint, Number(r.ref));
      }
    }
    return refs;
  }

  commitVersions(versions: readonly NewVersion[]): Promise<number[]> {
    if (versions.length === 0) return Promise.resolve([]);
    return this.guard('commit versions', async () => {
      const { seqs, refs } = await this.tx((trx) => this.commitIn(trx, versions));
      for (const [f, ref] of refs) this.codeRefs.set(f, ref);
      return seqs;
    });
  }

  /**
   * commitVersions inside `trx`. Returns the seqs, and the fingerprint refs the
   * caller caches once the transaction committed.
   */
  private async commitIn(trx: Kysely<Database>, versions: readonly NewVersion[]): Promise<{ seqs: number[]; refs: Map<string, number> }> {
    const first = await this.takeSeqs(trx, versions.length);
    const seqs = versions.map((_, i) => first + i);
    const refs = await this.codeRefsFor(
      trx,
      versions.map((v) => v.codeFingerprint),
      seqs,
    );
    const rows = versions.map((v, i) => versionRow(v, first + i, 'committed'));
    for (const chunk of chunks(rows, 18, this.adapter.maxParams)) {
      await insertVersionsQuery(trx, chunk).execute();
    }
    // One upsert row per partition: the last version of a partition in the batch wins.
    const partitions = currentRowsOf(versions, first, refs, Date.now());
    for (const chunk of chunks(partitions, 12, this.adapter.maxParams)) {
      await upsertCurrentQuery(trx, chunk).execute();
    }
    return { seqs, refs };
  }

  quarantineVersion(version: NewVersion): Promise<void> {
    return this.guard('record a quarantined version', () => this.tx((trx) => this.quarantineIn(trx, version)));
  }

  private async quarantineIn(trx: Kysely<Database>, version: NewVersion): Promise<void> {
    // It takes a sequence number too, so listVersions orders it among the others.
    const seq = await this.takeSeqs(trx, 1);
    await insertVersionsQuery(trx, [versionRow(version, seq, 'quarantined')]).execute();
  }

  markFailed(dataset: string, idx: number, key: string, error: string): Promise<void> {
    return this.guard('mark a partition failed', () => this.tx((trx) => this.markFailedIn(trx, { dataset, idx, key, error })));
  }

  /** markFailed inside `trx`, with a fresh seq (see `upsertFailedQuery`). */
  private async markFailedIn(trx: Kysely<Database>, p: { dataset: string; idx: number; key: string; error: string }): Promise<void> {
    const seq = await this.takeSeqs(trx, 1);
    await upsertFailedQuery(trx, { ...p, seq, now: Date.now() }).execute();
  }

  getPartition(dataset: string, idx: number): Promise<PartitionState | undefined> {
    return this.guard('read a partition', async () => {
      const row = await this.db.selectFrom('partitions').selectAll().where('dataset', '=', dataset).where('idx', '=', idx).executeTakeFirst();
      return row && toPartition(row);
    });
  }

  listPartitions(dataset: string, from?: number, to?: number, limit?: number): Promise<PartitionState[]> {
    return this.guard('list partitions', async () => {
      const rows = await this.db
        .selectFrom('partitions')
        .selectAll()
        .where('dataset', '=', dataset)
        .$if(from !== undefined, (qb) => qb.where('idx', '>=', from ?? 0))
        .$if(to !== undefined, (qb) => qb.where('idx', '<', to ?? 0))
        .orderBy('idx')
        .$if(limit !== undefined, (qb) => qb.limit(limit ?? 0))
        .execute();
      return rows.map(toPartition);
    });
  }

  partitionColumns(dataset: string): Promise<PartitionColumns> {
    return this.guard('read partition columns', () => this.columns.read(dataset));
  }

  statusRuns(dataset: string): Promise<StatusRun[]> {
    return this.guard('compute status runs', async () => {
      // Gaps and islands: within one status, idx minus its rank is constant
      // exactly along a stretch of consecutive idx.
      const result = await sql<{ status: string; start: number; end: number }>`
        select status, min(idx) as "start", max(idx) + 1 as "end"
        from (
          select status, idx, idx - row_number() over (partition by status order by idx) as grp
          from partitions
          where dataset = ${dataset} and status <> 'expired'
        ) islands
        group by status, grp
        order by "start"`.execute(this.db);
      return result.rows.map((r) => ({ status: r.status as StatusRun['status'], start: Number(r.start), end: Number(r.end) }));
    });
  }

  currentVersions(dataset: string, from: number, to: number): Promise<CurrentVersion[]> {
    const hot = this.adapter.hotPath;
    if (hot) return this.guard('read current versions', () => hot.currentVersions(dataset, from, to));
    return this.guard('read current versions', async () => {
      const rows = await currentVersionsQuery(this.db, dataset, from, to).execute();
      return rows.map(toCurrentVersion);
    });
  }

  getVersion(id: string): Promise<Version | undefined> {
    return this.guard('read a version', async () => {
      const row = await this.db.selectFrom('versions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toVersion(row);
    });
  }

  listVersions(dataset: string, options: { idx?: number; limit?: number } = {}): Promise<Version[]> {
    return this.guard('list versions', async () => {
      const rows = await this.db
        .selectFrom('versions')
        .selectAll()
        .where('dataset', '=', dataset)
        .$if(options.idx !== undefined, (qb) => qb.where('idx', '=', options.idx ?? 0))
        .orderBy('seq', 'desc')
        .$if(options.limit !== undefined, (qb) => qb.limit(options.limit ?? 0))
        .execute();
      return rows.map(toVersion);
    });
  }

  schemaHistory(dataset: string): Promise<SchemaSpan[]> {
    return this.guard('read the schema history', () => schemaHistory(this.db, dataset));
  }

  versionPrefixes(): Promise<Set<string>> {
    return this.guard('list version prefixes', async () => {
      const rows = await this.db.selectFrom('versions').select('prefix').execute();
      return new Set(rows.map((r) => r.prefix));
    });
  }

  // Retention and garbage collection --------------------------------------------------

  expiredVersions(rule: ExpiryRule): Promise<ExpiredVersion[]> {
    return this.guard('find expired versions', () => retention.expiredVersions(this.db, rule));
  }

  deleteVersions(request: DeleteVersionsRequest): Promise<DeletedVersion[]> {
    if (request.versions.length === 0) return Promise.resolve([]);
    return this.guard('delete superseded versions', () => this.tx((trx) => retention.deleteVersionsIn(trx, request, this.adapter.maxParams)));
  }

  expirePartitions(request: ExpirePartitionsRequest): Promise<ExpiredPartition[]> {
    return this.guard('expire partitions', () => this.tx((trx) => expirePartitionsIn(trx, request, this.adapter.maxParams, () => this.takeSeqs(trx, 1))));
  }

  appendGcLog(entries: readonly GcLogEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.guard('record the GC log', () => this.tx((trx) => retention.appendGcLogIn(trx, entries, this.adapter.maxParams)));
  }

  gcLog(filter: { gcId?: string; dataset?: string; limit?: number } = {}): Promise<GcLogEntry[]> {
    return this.guard('read the GC log', () => retention.gcLog(this.db, filter));
  }

  currentSeq(): Promise<number> {
    return this.guard('read the sequence', async () => {
      const row = await this.db.selectFrom('sequence').select('value').where('id', '=', 1).executeTakeFirst();
      return Number(row?.value ?? 0);
    });
  }

  // Streams ---------------------------------------------------------------------------

  recordStreamActivity(stream: string, update: StreamActivityUpdate): Promise<void> {
    return this.guard('record stream activity', () => this.write(() => this.recordActivityIn(this.db, [{ stream, ...update }])));
  }

  private async recordActivityIn(db: Kysely<Database>, updates: LandingCommit['activity']): Promise<void> {
    for (const u of updates) {
      await recordActivityQuery(db, {
        stream: u.stream,
        max_event_time: u.maxEventTime,
        last_received_at: u.receivedAt,
        events: u.events,
        dead_letters: u.deadLetters,
      }).execute();
    }
  }

  getStreamActivity(stream: string): Promise<StreamActivity | undefined> {
    return this.guard('read stream activity', async () => {
      const r = await this.db.selectFrom('streams').selectAll().where('stream', '=', stream).executeTakeFirst();
      if (!r) return undefined;
      return {
        stream: r.stream,
        maxEventTime: r.max_event_time === null ? null : Number(r.max_event_time),
        lastReceivedAt: r.last_received_at === null ? null : Number(r.last_received_at),
        events: Number(r.events),
        deadLetters: Number(r.dead_letters),
      };
    });
  }

  // Checks ----------------------------------------------------------------------------

  recordCheckResults(results: readonly NewCheckResult[]): Promise<void> {
    if (results.length === 0) return Promise.resolve();
    return this.guard('record check results', () => this.tx((trx) => this.insertCheckResultsIn(trx, results)));
  }

  private async insertCheckResultsIn(trx: Kysely<Database>, results: readonly NewCheckResult[]): Promise<void> {
    for (const chunk of chunks(results.map(checkResultRow), 16, this.adapter.maxParams)) {
      await insertCheckResultsQuery(trx, chunk).execute();
    }
  }

  checkResults(filter: CheckFilter = {}): Promise<CheckResult[]> {
    return this.guard('read check results', async () => {
      const rows = await this.db
        .selectFrom('check_results as c')
        .leftJoin('versions as v', 'v.id', 'c.version_id')
        .leftJoin('partitions as p', (join) => join.onRef('p.dataset', '=', 'c.dataset').onRef('p.idx', '=', 'c.idx'))
        .selectAll('c')
        .select(['v.state as version_state', 'p.version_id as current_version'])
        .$if(filter.dataset !== undefined, (qb) => qb.where('c.dataset', '=', filter.dataset ?? ''))
        .$if(filter.idx !== undefined, (qb) => qb.where('c.idx', '=', filter.idx ?? 0))
        .$if(filter.versionId !== undefined, (qb) => qb.where('c.version_id', '=', filter.versionId ?? ''))
        .$if(filter.failed === true, (qb) => qb.where('c.status', 'in', ['fail', 'error']))
        .orderBy('c.checked_at', 'desc')
        .orderBy('c.dataset')
        .orderBy('c.idx', 'desc')
        .orderBy('c.check_name')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(toCheckResult);
    });
  }

  // Schema registry -------------------------------------------------------------------

  schemaVersions(stream: string): Promise<SchemaVersion[]> {
    return this.guard('read schema versions', () => schemas.schemaVersions(this.db, stream));
  }

  latestSchemaVersions(): Promise<Map<string, SchemaVersion>> {
    return this.guard('read the latest schema versions', () => schemas.latestSchemaVersions(this.db));
  }

  registerSchemaVersion(version: NewSchemaVersion): Promise<{ version: SchemaVersion; created: boolean }> {
    return this.guard('register a schema version', () => this.tx((trx) => schemas.registerSchemaVersionIn(trx, version)));
  }

  // Sinks -----------------------------------------------------------------------------

  sinkStates(dataset: string, filter: { sink?: string; idx?: number } = {}): Promise<SinkState[]> {
    return this.guard('read sink states', () => sinkState.sinkStates(this.db, dataset, filter));
  }

  recordSinkStates(states: readonly SinkState[]): Promise<void> {
    if (states.length === 0) return Promise.resolve();
    return this.guard('record sink states', () => this.tx((trx) => sinkState.recordSinkStatesIn(trx, states, this.adapter.maxParams)));
  }

  // Data subjects' keys ---------------------------------------------------------------

  subjectKeys(candidates: readonly NewSubjectKey[], epoch: number): Promise<{ keys: Map<string, SubjectKey>; epoch: number }> {
    return this.guard("get or create data subjects' keys", () =>
      this.tx((trx) => subjects.subjectKeysIn(trx, candidates, epoch, this.adapter.maxParams, this.adapter.dialect === 'postgres')),
    );
  }

  findSubjectKeys(pseudonyms: readonly string[]): Promise<Map<string, SubjectKey>> {
    if (pseudonyms.length === 0) return Promise.resolve(new Map());
    return this.guard("read data subjects' keys", () => subjects.findSubjectKeys(this.db, pseudonyms, this.adapter.maxParams));
  }

  forgetSubjectKeys(pseudonyms: readonly string[], at: number): Promise<string[]> {
    if (pseudonyms.length === 0) return Promise.resolve([]);
    return this.guard("delete data subjects' keys", () => this.tx((trx) => subjects.forgetSubjectKeysIn(trx, pseudonyms, at, this.adapter.maxParams)));
  }

  forgottenSubjects(): Promise<string[]> {
    return this.guard('read forgotten subjects', () => forget.forgottenSubjects(this.db));
  }

  forgottenStamp(): Promise<string> {
    return this.guard('read forgotten subjects', () => forget.forgottenStamp(this.db));
  }

  keyRingStamp(): Promise<KeyRingStamp> {
    return this.guard('read the key epoch', () => subjects.keyRingStamp(this.db));
  }

  rotateKeyEpoch(from: number, to: number, rewrap: (key: SubjectKey) => string): Promise<boolean> {
    return this.guard(`rotate the key epoch from ${from} to ${to}`, () =>
      this.tx((trx) => subjects.rotateKeyEpochIn(trx, from, to, rewrap, this.adapter.maxParams)),
    );
  }

  scrubDeleted(): Promise<void> {
    return this.guard('scrub deleted rows from the database files', () => this.adapter.scrub(this.db));
  }

  // Forgetting ------------------------------------------------------------------------

  recordForgetRequests(requests: readonly NewForgetRequest[]): Promise<ForgetRequest[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return this.guard('record forget requests', () => this.tx((trx) => forget.recordForgetRequestsIn(trx, requests, this.adapter.maxParams)));
  }

  startForgetRebuilds(
    requestIds: readonly string[],
    touched: readonly { readonly dataset: string; readonly idxs: readonly number[] }[],
    waitFor: readonly ForgetPartition[],
    at: number,
  ): Promise<number> {
    return this.guard('mark raw partitions of forgotten subjects changed', () =>
      this.tx(async (trx) => {
        const seq = await this.takeSeqs(trx, 1);
        await forget.startForgetRebuildsIn(trx, requestIds, touched, waitFor, seq, at, this.adapter.maxParams);
        return seq;
      }),
    );
  }

  forgetRequests(filter: { ids?: readonly string[]; pseudonym?: string; status?: readonly ForgetStatus[]; limit?: number } = {}): Promise<ForgetRequest[]> {
    return this.guard('read forget requests', () => forget.forgetRequests(this.db, filter));
  }

  forgetPartitions(requestId: string): Promise<ForgetPartition[]> {
    return this.guard('read the partitions of a forget request', () => forget.forgetPartitions(this.db, requestId));
  }

  completeForgetRequest(id: string, at: number): Promise<void> {
    return this.guard('complete a forget request', async () => {
      await this.tx((trx) =>
        trx.updateTable('forget_requests').set({ status: 'done', completed_at: at }).where('id', '=', id).where('status', '=', 'rebuilding').execute(),
      );
    });
  }

  condemnVersions(requestId: string, partitions: readonly { readonly dataset: string; readonly idx: number }[], at: number): Promise<number> {
    return this.guard('condemn the versions that held a forgotten subject', () =>
      this.tx((trx) => condemned.condemnVersionsIn(trx, requestId, partitions, at)),
    );
  }

  condemnedVersions(filter: { requestId?: string } = {}): Promise<CondemnedVersion[]> {
    return this.guard('read the condemned versions', () => condemned.condemnedVersions(this.db, filter));
  }

  recordForgetVerification(id: string, verification: ForgetVerification): Promise<void> {
    return this.guard('record the verification of a forget request', () => this.tx((trx) => forget.recordForgetVerificationIn(trx, id, verification)));
  }

  findStateText(needles: readonly string[]): Promise<StateText[]> {
    if (needles.length === 0) return Promise.resolve([]);
    return this.guard("search the state's row samples, logs and errors", () => forget.findStateText(this.db, needles));
  }

  // Landing ---------------------------------------------------------------------------

  commitLanding(commit: LandingCommit): Promise<number[]> {
    const hot = this.adapter.hotPath;
    return this.guard('commit a landing batch', async () => {
      const { seqs, refs } = hot
        ? await hot.commitLanding(commit, this.codeRefs)
        : await this.tx(async (trx) => {
            await this.checkCurrentIn(trx, commit.versions);
            const committed =
              commit.versions.length > 0
                ? await this.commitIn(
                    trx,
                    commit.versions.map((v) => v.version),
                  )
                : { seqs: [], refs: new Map<string, number>() };
            const now = Date.now();
            for (const o of commit.offsets) {
              await upsertOffsetQuery(trx, { group_id: o.group, topic: o.topic, partition: o.partition, next_offset: o.offset, updated_at: now }).execute();
            }
            const rows = commit.messages.map((m) => ({ stream: m.stream, message_id: m.messageId, received_at: m.receivedAt }));
            for (const chunk of chunks(rows, 3, this.adapter.maxParams)) {
              await insertMessagesQuery(trx, chunk).execute();
            }
            await this.recordActivityIn(trx, commit.activity);
            for (const q of commit.quarantined ?? []) {
              await this.quarantineIn(trx, q.version);
              await this.markFailedIn(trx, { dataset: q.version.dataset, idx: q.version.idx, key: q.version.key, error: q.error });
            }
            await this.insertCheckResultsIn(trx, commit.checks ?? []);
            return committed;
          });
      for (const [f, ref] of refs) this.codeRefs.set(f, ref);
      return seqs;
    });
  }

  /** Fails with CONFLICT unless each partition's current version is still the one replaced. */
  private async checkCurrentIn(trx: Kysely<Database>, versions: LandingCommit['versions']): Promise<void> {
    for (const { version, replaces } of versions) {
      const row = await currentVersionQuery(trx, version.dataset, version.idx).executeTakeFirst();
      const current = row?.version_id ?? null;
      if (current !== replaces) {
        throw landingConflict(version, current, replaces);
      }
    }
  }

  consumerOffsets(group: string): Promise<ConsumerOffset[]> {
    return this.guard('read consumer offsets', async () => {
      const rows = await this.db.selectFrom('consumer_offsets').selectAll().where('group_id', '=', group).orderBy('topic').orderBy('partition').execute();
      return rows.map((r) => ({ group: r.group_id, topic: r.topic, partition: Number(r.partition), offset: Number(r.next_offset) }));
    });
  }

  landedMessages(stream: string, messageIds: readonly string[]): Promise<Set<string>> {
    const hot = this.adapter.hotPath;
    return this.guard('look up landed messageIds', async () => {
      if (hot) return hot.landedMessages(stream, messageIds);
      const found = new Set<string>();
      for (const chunk of chunks([...new Set(messageIds)], 1, this.adapter.maxParams - 1)) {
        const rows = await landedMessagesQuery(this.db, stream, chunk).execute();
        for (const r of rows) found.add(r.message_id);
      }
      return found;
    });
  }

  forgetLandedMessages(before: number): Promise<number> {
    return this.guard('forget old messageIds', () =>
      this.write(async () => {
        const result = await this.db.deleteFrom('landed_messages').where('received_at', '<', before).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
    );
  }

  // Task queue ------------------------------------------------------------------------

  enqueueTasks(tasks: readonly NewTask[]): Promise<number> {
    return this.guard('enqueue tasks', () => queue.enqueueTasks(this.db, this.adapter, tasks));
  }

  leaseTasks(request: Parameters<StateStore['leaseTasks']>[0]): Promise<Task[]> {
    const hot = this.adapter.hotPath;
    if (hot) return this.guard('lease tasks', () => hot.leaseTasks(request));
    return this.guard('lease tasks', () => queue.leaseTasks(this.db, this.adapter, request));
  }

  renewLeases(owner: string, taskIds: readonly string[], leaseMs: number, now: number): Promise<string[]> {
    return this.guard('renew leases', () => queue.renewLeases(this.db, this.adapter, owner, taskIds, leaseMs, now));
  }

  finishTask(taskId: string, owner: string, outcome: Parameters<StateStore['finishTask']>[2]): Promise<boolean> {
    return this.guard('finish a task', () => queue.finishTask(this.db, this.adapter, taskId, owner, outcome));
  }

  cancelTasks(datasets?: readonly string[]): Promise<number> {
    return this.guard('cancel tasks', () => queue.cancelTasks(this.db, this.adapter, datasets));
  }

  cancelTask(taskId: string): Promise<boolean> {
    return this.guard('cancel a task', () => queue.cancelTask(this.db, this.adapter, taskId));
  }

  taskStates(taskIds: readonly string[]): Promise<Map<string, TaskState>> {
    return this.guard('read task states', async () => {
      const states = new Map<string, TaskState>();
      for (const chunk of chunks(taskIds, 1, this.adapter.maxParams)) {
        const rows = await this.db.selectFrom('tasks').select(['id', 'state']).where('id', 'in', chunk).execute();
        for (const r of rows) states.set(r.id, r.state as TaskState);
      }
      return states;
    });
  }

  isCancelled(taskId: string): Promise<boolean> {
    return this.guard('read a task', async () => {
      const row = await this.db.selectFrom('tasks').select('state').where('id', '=', taskId).executeTakeFirst();
      return row?.state === 'cancelled';
    });
  }

  listTasks(filter: { states?: readonly TaskState[]; dataset?: string; idx?: number; limit?: number } = {}): Promise<Task[]> {
    return this.guard('list tasks', async () => {
      if (filter.states?.length === 0) return [];
      const rows = await this.db
        .selectFrom('tasks')
        .selectAll()
        .$if(filter.states !== undefined, (qb) => qb.where('state', 'in', filter.states ?? []))
        .$if(filter.dataset !== undefined, (qb) => qb.where('dataset', '=', filter.dataset ?? ''))
        .$if(filter.idx !== undefined, (qb) => qb.where('idx', '=', filter.idx ?? 0))
        .orderBy('priority')
        .orderBy('id')
        .$if(filter.limit !== undefined, (qb) => qb.limit(filter.limit ?? 0))
        .execute();
      return rows.map(toTask);
    });
  }

  taskCounts(): Promise<Record<TaskState, number>> {
    return this.guard('count tasks', async () => {
      const rows = await this.db
        .selectFrom('tasks')
        .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('state')
        .execute();
      const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
      for (const r of rows) counts[r.state as TaskState] = Number(r.n);
      return counts;
    });
  }

  // Runs and logs ---------------------------------------------------------------------

  startRun(run: history.NewRun): Promise<void> {
    const hot = this.adapter.hotPath;
    if (hot) return this.guard('start a run', () => hot.startRun(run));
    return this.guard('start a run', () => this.write(() => history.insertRun(this.db, run)));
  }

  finishRun(id: string, result: history.RunResult): Promise<void> {
    return this.guard('finish a run', () => this.write(() => history.finishRunIn(this.db, id, result)));
  }

  appendLogs(lines: readonly LogLine[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return this.guard('append run logs', () => this.tx((trx) => history.appendLogsIn(trx, lines, this.adapter.maxParams)));
  }

  completeBuild(request: CompleteBuildRequest): Promise<{ held: boolean; seq: number | null }> {
    return this.guard('complete a build', async () => {
      const hot = this.adapter.hotPath;
      const { held, seq, refs } = hot ? await hot.completeBuild(request, this.codeRefs) : await this.tx((trx) => this.completeBuildIn(trx, request));
      for (const [f, ref] of refs) this.codeRefs.set(f, ref);
      return { held, seq };
    });
  }

  /** completeBuild inside `trx`; the SQLite hot path (sqlite/sqlite-hot-path.ts) mirrors it step for step. */
  private async completeBuildIn(
    trx: Kysely<Database>,
    request: CompleteBuildRequest,
  ): Promise<{ held: boolean; seq: number | null; refs: Map<string, number> }> {
    // The lease first: it decides what else may be written, and in PostgreSQL
    // it locks the task row before the sequence row, the order leasers use too.
    const held = await queue.finishTaskIn(trx, request.taskId, request.owner, request.task);
    let seq: number | null = null;
    let refs = new Map<string, number>();
    let run = request.run;
    if (held && request.version) {
      const committed = await this.commitIn(trx, [request.version]);
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
    if (held && request.quarantine) await this.quarantineIn(trx, request.quarantine);
    if (held && request.checks) await this.insertCheckResultsIn(trx, request.checks);
    const versionId = seq !== null ? request.version?.id : held ? request.quarantine?.id : undefined;
    await history.finishRunIn(trx, request.runId, { ...run, versionId });
    if (request.logs.length > 0) await history.appendLogsIn(trx, request.logs, this.adapter.maxParams);
    if (held && request.markFailed) await this.markFailedIn(trx, request.markFailed);
    return { held, seq, refs };
  }

  getRun(id: string): Promise<Run | undefined> {
    return this.guard('read a run', () => history.getRun(this.db, id));
  }

  listRuns(filter: RunFilter = {}): Promise<Run[]> {
    return this.guard('list runs', () => history.listRuns(this.db, filter));
  }

  runLogs(runId: string): Promise<LogLine[]> {
    return this.guard('read run logs', () => history.runLogs(this.db, runId));
  }
}
