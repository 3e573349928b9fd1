/**
 * `leaseTasks` for SQLite as precompiled SQL on better-sqlite3 (see
 * sqlite-hot-path.ts). It mirrors `leaseTasks` in ../task-queue.ts statement
 * for statement; a change to one must be made to the other.
 */
import type { Selectable } from 'kysely';
import type { TasksTable } from '../database.ts';
import { toTask } from '../rows.ts';
import type { StateStore, Task } from '../state-store.ts';
import type { StatementCache } from './statement-cache.ts';
import { admitCandidates } from '../lease-caps.ts';

type LeaseRequest = Parameters<StateStore['leaseTasks']>[0];

/** Must read exactly as the predicate of the `tasks_open_order` index, or SQLite will not use it. */
const OPEN = `state in ('queued', 'leased')`;

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Leases still held per capped dataset. */
function heldSql(datasets: number): string {
  return `select dataset, count(*) as n from tasks where ${OPEN} and state = 'leased' and lease_expires >= ? and dataset in (${placeholders(datasets)}) group by dataset`;
}

/**
 * Leasable tasks in order. The lists are bound one value per placeholder, so
 * the text (and the cached statement) depends only on their lengths.
 */
function candidatesSql(datasets: number | undefined, full: number, picked: number): string {
  let text = `select id, dataset from tasks where ${OPEN} and ((state = 'queued' and not_before <= ?) or (state = 'leased' and lease_expires < ?))`;
  if (datasets !== undefined) text += ` and dataset in (${placeholders(datasets)})`;
  if (full > 0) text += ` and dataset not in (${placeholders(full)})`;
  if (picked > 0) text += ` and id not in (${placeholders(picked)})`;
  return `${text} order by priority, id limit ?`;
}

/** One task at a time: the statement stays fixed, and the result is already in picked order. */
const LEASE = `update tasks set state = 'leased', lease_owner = ?, lease_expires = ?, attempts = attempts + 1, updated_at = ? where id = ? returning *`;

/** Runs inside the caller's write transaction; the caller returns early on an empty request as task-queue.ts does. */
export function leaseTasksSync(statements: StatementCache, request: LeaseRequest): Task[] {
  const { owner, limit, leaseMs, now } = request;
  const caps = request.perDataset ?? {};
  const capped = Object.keys(caps)
    .filter((d) => request.datasets === undefined || request.datasets.includes(d))
    .sort();

  // Room left under each cap, counting leases other workers still hold.
  const room = new Map<string, number>(capped.map((d) => [d, caps[d] ?? 0]));
  if (capped.length > 0) {
    const held = statements.prepare(heldSql(capped.length)).all(now, ...capped) as { dataset: string; n: number }[];
    for (const h of held) room.set(h.dataset, (room.get(h.dataset) ?? 0) - Number(h.n));
  }
  const full = capped.filter((d) => (room.get(d) ?? 0) <= 0);

  // As in task-queue.ts: a task is skipped only when its dataset just reached
  // its cap, and that dataset is left out of the next round.
  const picked: string[] = [];
  while (picked.length < limit) {
    const want = limit - picked.length;
    const text = candidatesSql(request.datasets?.length, full.length, picked.length);
    const candidates = statements.prepare(text).all(now, now, ...(request.datasets ?? []), ...full, ...picked, want) as { id: string; dataset: string }[];
    admitCandidates(candidates, room, full, picked);
    if (candidates.length < want) break;
  }

  const lease = statements.prepare(LEASE);
  const leased: Task[] = [];
  for (const id of picked) {
    for (const row of lease.all(owner, now + leaseMs, now, id) as Selectable<TasksTable>[]) leased.push(toTask(row));
  }
  return leased;
}
