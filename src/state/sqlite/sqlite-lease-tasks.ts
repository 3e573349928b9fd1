/**
 * `leaseTasks` for SQLite on cached better-sqlite3 statements (see
 * sqlite-hot-path.ts). Its statements are the Kysely ones of ../task-queue.ts
 * (`heldLeasesQuery`, `leaseCandidatesQuery`, `leaseQuery`), compiled once per
 * shape; the control flow follows `leaseTasks` there step for step.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, TasksTable } from '../database.ts';
import { admitCandidates } from '../lease-caps.ts';
import { toTask } from '../rows.ts';
import type { StateStore } from '../state-store.ts';
import type { Task } from '../roles/index.ts';
import { codeList, heldLeasesQuery, leaseCandidatesQuery, leaseQuery } from '../task-queue.ts';
import { slot, slotList } from './compiled-statements.ts';
import type { CompiledStatements } from './compiled-statements.ts';

type LeaseRequest = Parameters<StateStore['leaseTasks']>[0];

/**
 * Runs inside the caller's write transaction; the caller returns early on an
 * empty request as task-queue.ts does. Lists are bound one value per
 * placeholder, so a statement's text depends only on their lengths.
 */
export function leaseTasksSync(statements: CompiledStatements, db: Kysely<Database>, request: LeaseRequest): Task[] {
  const { owner, limit, leaseMs, now } = request;
  const caps = request.perDataset ?? {};
  const capped = Object.keys(caps)
    .filter((d) => request.datasets === undefined || request.datasets.includes(d))
    .sort();

  // Room left under each cap, counting leases other workers still hold.
  const room = new Map<string, number>(capped.map((d) => [d, caps[d] ?? 0]));
  if (capped.length > 0) {
    const held = statements.get(`held ${capped.length}`, () => heldLeasesQuery(db, slotList('capped', capped.length), slot('now')));
    for (const h of held.all<{ dataset: string; n: number }>({ capped, now })) room.set(h.dataset, (room.get(h.dataset) ?? 0) - Number(h.n));
  }
  const full = capped.filter((d) => (room.get(d) ?? 0) <= 0);

  // As in task-queue.ts: a task is skipped only when its dataset just reached
  // its cap, and that dataset is left out of the next round.
  const picked: string[] = [];
  const datasets = request.datasets;
  const codes = codeList(request.codes);
  while (picked.length < limit) {
    const want = limit - picked.length;
    const shape = `candidates ${datasets?.length ?? '-'} ${codes?.length ?? '-'} ${full.length} ${picked.length}`;
    const candidates = statements.get(shape, () =>
      leaseCandidatesQuery(db, {
        now: slot('now'),
        want: slot('want'),
        datasets: datasets && slotList('datasets', datasets.length),
        codes: codes && slotList('codes', codes.length),
        full: slotList('full', full.length),
        picked: slotList('picked', picked.length),
        skipLocked: false,
      }),
    );
    const rows = candidates.all<{ id: string; dataset: string }>({ now, want, datasets, codes, full, picked });
    admitCandidates(rows, room, full, picked);
    if (rows.length < want) break;
  }

  // One task at a time: the statement stays fixed, and the result is already in picked order.
  const lease = statements.get('lease', () => leaseQuery(db, [slot('id')], slot('owner'), slot('expires'), slot('now')));
  const leased: Task[] = [];
  for (const id of picked) {
    for (const row of lease.all<Selectable<TasksTable>>({ id, owner, expires: now + leaseMs, now })) leased.push(toTask(row));
  }
  return leased;
}
