/**
 * The per-dataset caps of leasing, shared by the Kysely lease loop
 * (task-queue.ts) and SQLite's precompiled one (sqlite/sqlite-lease-tasks.ts).
 */

/**
 * Takes candidates in order while their dataset has room: adds their ids to
 * `picked`, spends `room`, and adds a dataset to `full` when it reaches its cap.
 * Datasets without a cap (not in `room`) always have room.
 */
export function admitCandidates(candidates: ReadonlyArray<{ id: string; dataset: string }>, room: Map<string, number>, full: string[], picked: string[]): void {
  for (const c of candidates) {
    const left = room.get(c.dataset);
    if (left === undefined) {
      picked.push(c.id);
    } else if (left > 0) {
      picked.push(c.id);
      room.set(c.dataset, left - 1);
      if (left === 1) full.push(c.dataset);
    }
  }
}
