/**
 * The task queue's statements: enqueue with per-partition dedupe, leasing with
 * priorities, backoff and per-dataset caps, renewal and finishing. Kept apart
 * from the rest of the store because leasing is where concurrency is subtle.
 * The statements of leasing and finishing are built by the `…Query` functions
 * below, which the SQLite hot path (sqlite/sqlite-lease-tasks.ts,
 * sqlite/sqlite-hot-path.ts) compiles once: their SQL lives only here.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Selectable, SqlBool } from 'kysely';
import type { Database, TasksTable } from './database.ts';
import { chunks, toTask } from './rows.ts';
import type { StoreAdapter } from './store-adapter.ts';
import type { NewTask, Task } from './roles/index.ts';
import type { StateStore } from './state-store.ts';
import { admitCandidates } from './lease-caps.ts';

type LeaseRequest = Parameters<StateStore['leaseTasks']>[0];
type Outcome = Parameters<StateStore['finishTask']>[2];

/** Must read exactly as the predicate of the `tasks_open_partition` and `tasks_open_order` indexes (see 001-initial.ts), or SQLite will not use them. */
const OPEN = sql<SqlBool>`state in ('queued', 'leased')`;

const processTag = randomBytes(4).toString('hex');
let counter = 0;

/**
 * Task ids sort by creation: milliseconds, then a per-process tag, then a
 * counter. Leasing orders by (priority, id), which makes each priority FIFO.
 */
export function newTaskId(now: number): string {
  counter = (counter + 1) % 0x7fffffff;
  return `t${now.toString(36).padStart(9, '0')}${processTag}${counter.toString(36).padStart(6, '0')}`;
}

export async function enqueueTasks(db: Kysely<Database>, adapter: StoreAdapter, tasks: readonly NewTask[]): Promise<number> {
  if (tasks.length === 0) return 0;
  const now = Date.now();
  // A batch may name a partition twice; the first one wins, as it would against the table.
  const seen = new Set<string>();
  const rows: Selectable<TasksTable>[] = [];
  for (const t of tasks) {
    const k = `${t.dataset}\u0000${t.idx}`;
    if (seen.has(k)) continue;
    seen.add(k);
    rows.push({
      id: newTaskId(now),
      dataset: t.dataset,
      idx: t.idx,
      key: t.key,
      cause: t.cause,
      reason: t.reason,
      priority: t.priority,
      max_attempts: t.maxAttempts,
      state: 'queued',
      attempts: 0,
      not_before: 0,
      lease_owner: null,
      lease_expires: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      code_fingerprint: t.codeFingerprint ?? null,
    });
  }
  return adapter.writeTransaction(db, async (trx) => {
    let added = 0;
    for (const chunk of chunks(rows, 17, adapter.maxParams - 8)) {
      const result = await trx
        .insertInto('tasks')
        .values(chunk)
        .onConflict((oc) =>
          oc
            .columns(['dataset', 'idx'])
            .where(OPEN)
            // A queued task of other code is planned again for the new code; a leased one, or one of the same code, is kept.
            .doUpdateSet((eb) => ({
              code_fingerprint: eb.ref('excluded.code_fingerprint'),
              cause: eb.ref('excluded.cause'),
              reason: eb.ref('excluded.reason'),
              priority: eb.ref('excluded.priority'),
              max_attempts: eb.ref('excluded.max_attempts'),
              attempts: 0,
              not_before: 0,
              last_error: null,
              updated_at: now,
            }))
            .where('tasks.state', '=', 'queued')
            .where((eb) => eb.or([eb('tasks.code_fingerprint', 'is', null), eb('tasks.code_fingerprint', '<>', eb.ref('excluded.code_fingerprint'))]))
            .where('excluded.code_fingerprint', 'is not', null),
        )
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    return added;
  });
}

export async function leaseTasks(db: Kysely<Database>, adapter: StoreAdapter, request: LeaseRequest): Promise<Task[]> {
  const { owner, limit, leaseMs, now } = request;
  if (limit <= 0 || request.datasets?.length === 0) return [];
  return adapter.writeTransaction(db, async (trx) => {
    const caps = request.perDataset ?? {};
    const capped = Object.keys(caps)
      .filter((d) => request.datasets === undefined || request.datasets.includes(d))
      .sort();
    await adapter.lockLeaseCaps(trx, capped);

    // Room left under each cap, counting leases other workers still hold.
    const room = new Map<string, number>(capped.map((d) => [d, caps[d] ?? 0]));
    if (capped.length > 0) {
      const held = await heldLeasesQuery(trx, capped, now).execute();
      for (const h of held) room.set(h.dataset, (room.get(h.dataset) ?? 0) - Number(h.n));
    }
    const full = capped.filter((d) => (room.get(d) ?? 0) <= 0);

    // Walk candidates in order. Skipping a task only happens when its dataset
    // just reached its cap, and that dataset is left out of the next round, so
    // the loop ends after at most one round per capped dataset.
    const picked: string[] = [];
    while (picked.length < limit) {
      const want = limit - picked.length;
      const candidates = await leaseCandidatesQuery(trx, {
        now,
        want,
        datasets: request.datasets,
        codes: codeList(request.codes),
        full,
        picked,
        skipLocked: adapter.skipLocked,
      }).execute();
      admitCandidates(candidates, room, full, picked);
      if (candidates.length < want) break;
    }
    if (picked.length === 0) return [];

    const order = new Map(picked.map((id, i) => [id, i]));
    const leased: Task[] = [];
    for (const chunk of chunks(picked, 1, adapter.maxParams - 8)) {
      const rows = await leaseQuery(trx, chunk, owner, now + leaseMs, now).execute();
      for (const r of rows) leased.push(toTask(r));
    }
    return leased.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  });
}

/** Leases still held per capped dataset. */
export function heldLeasesQuery(db: Kysely<Database>, capped: readonly string[], now: number) {
  return db
    .selectFrom('tasks')
    .select(['dataset', (eb) => eb.fn.countAll<number>().as('n')])
    .where(OPEN)
    .where('state', '=', 'leased')
    .where('lease_expires', '>=', now)
    .where('dataset', 'in', capped)
    .groupBy('dataset');
}

/** `dataset:fingerprint` of each dataset's code, as `leaseCandidatesQuery` matches them. */
export function codeList(codes: Readonly<Record<string, string>> | undefined): string[] | undefined {
  return codes && Object.entries(codes).map(([dataset, fingerprint]) => `${dataset}:${fingerprint}`);
}

/**
 * Up to `want` leasable tasks in lease order, leaving out `full` datasets and tasks already `picked`;
 * with `codes` (see `codeList`), only tasks planned for one of those codes or for none.
 */
export function leaseCandidatesQuery(
  db: Kysely<Database>,
  c: {
    now: number;
    want: number;
    datasets: readonly string[] | undefined;
    codes: readonly string[] | undefined;
    full: readonly string[];
    picked: readonly string[];
    skipLocked: boolean;
  },
) {
  return db
    .selectFrom('tasks')
    .select(['id', 'dataset'])
    .where(OPEN)
    .where((eb) =>
      eb.or([eb.and([eb('state', '=', 'queued'), eb('not_before', '<=', c.now)]), eb.and([eb('state', '=', 'leased'), eb('lease_expires', '<', c.now)])]),
    )
    .$if(c.datasets !== undefined, (qb) => qb.where('dataset', 'in', c.datasets ?? []))
    .$if(c.codes !== undefined, (qb) =>
      qb.where((eb) =>
        (c.codes ?? []).length === 0
          ? eb('code_fingerprint', 'is', null)
          : eb.or([eb('code_fingerprint', 'is', null), eb(sql<string>`dataset || ':' || code_fingerprint`, 'in', c.codes ?? [])]),
      ),
    )
    .$if(c.full.length > 0, (qb) => qb.where('dataset', 'not in', c.full))
    .$if(c.picked.length > 0, (qb) => qb.where('id', 'not in', c.picked))
    .orderBy('priority')
    .orderBy('id')
    .limit(c.want)
    .$if(c.skipLocked, (qb) => qb.forUpdate().skipLocked());
}

/** Leases these tasks to `owner` until `expires`; returns their rows. */
export function leaseQuery(db: Kysely<Database>, ids: readonly string[], owner: string, expires: number, now: number) {
  return db
    .updateTable('tasks')
    .set((eb) => ({
      state: 'leased',
      lease_owner: owner,
      lease_expires: expires,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', 'in', ids)
    .returningAll();
}

export async function renewLeases(
  db: Kysely<Database>,
  adapter: StoreAdapter,
  owner: string,
  taskIds: readonly string[],
  leaseMs: number,
  now: number,
): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const kept = new Set<string>();
  for (const chunk of chunks(taskIds, 1, adapter.maxParams - 8)) {
    const rows = await adapter.exclusive(() =>
      db
        .updateTable('tasks')
        .set({ lease_expires: now + leaseMs, updated_at: now })
        .where('id', 'in', chunk)
        .where('lease_owner', '=', owner)
        .where('state', '=', 'leased')
        .returning('id')
        .execute(),
    );
    for (const r of rows) kept.add(r.id);
  }
  return taskIds.filter((id) => !kept.has(id));
}

export function finishTask(db: Kysely<Database>, adapter: StoreAdapter, taskId: string, owner: string, outcome: Outcome): Promise<boolean> {
  return adapter.exclusive(() => finishTaskIn(db, taskId, owner, outcome));
}

/** Ends the task if `owner` still holds its lease, on `db` (a transaction or not); returns whether it did. */
export async function finishTaskIn(db: Kysely<Database>, taskId: string, owner: string, outcome: Outcome): Promise<boolean> {
  const result = await finishTaskQuery(db, taskId, owner, outcome, Date.now()).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Ends the task as `outcome` says; owner-checked, so a task whose lease expired and was taken over is left alone. */
export function finishTaskQuery(db: Kysely<Database>, taskId: string, owner: string, outcome: Outcome, now: number) {
  const set =
    outcome.state === 'done'
      ? { state: 'done', lease_expires: null, updated_at: now }
      : outcome.state === 'failed'
        ? { state: 'failed', lease_expires: null, last_error: outcome.error, updated_at: now }
        : { state: 'queued', lease_owner: null, lease_expires: null, not_before: outcome.notBefore, last_error: outcome.error, updated_at: now };
  return db.updateTable('tasks').set(set).where('id', '=', taskId).where('lease_owner', '=', owner).where('state', '=', 'leased');
}

export async function cancelTasks(db: Kysely<Database>, adapter: StoreAdapter, datasets?: readonly string[]): Promise<number> {
  if (datasets !== undefined && datasets.length === 0) return 0;
  const result = await adapter.exclusive(() =>
    db
      .updateTable('tasks')
      .set({ state: 'cancelled', lease_expires: null, updated_at: Date.now() })
      .where(OPEN)
      .$if(datasets !== undefined, (qb) => qb.where('dataset', 'in', datasets ?? []))
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows);
}

export async function cancelTask(db: Kysely<Database>, adapter: StoreAdapter, taskId: string): Promise<boolean> {
  const result = await adapter.exclusive(() =>
    db.updateTable('tasks').set({ state: 'cancelled', lease_expires: null, updated_at: Date.now() }).where(OPEN).where('id', '=', taskId).executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) > 0;
}
