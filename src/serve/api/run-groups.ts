/**
 * Runs grouped by what caused them. A backfill names itself in its tasks'
 * reason (`backfill bf_…: …`), a retry is its task (each attempt a run); the
 * rest are builds: the runs of one process (`Executor.workerId`, one per
 * `pond build` or `pond up`) from when it started building until it went
 * idle for longer than GAP_MS. A `pond build` is one group; `pond up`, one
 * group per burst of work (new data completing its windows, a code change).
 */
import type { Run } from '../../state/index.ts';

/** Idle time that ends a build: a process that builds nothing for this long has finished what it planned. */
export const GAP_MS = 30_000;

export interface RunCluster {
  readonly id: string;
  readonly kind: 'build' | 'backfill' | 'retry';
  readonly title: string;
  readonly worker: string | null;
  /** Newest first. */
  readonly runs: readonly Run[];
}

const BACKFILL = /^backfill (bf_[0-9a-z]+)/;

/** The groups of `runs` (any order), newest activity first; runs inside each newest first. `now` ends a running run. */
export function clusterRuns(runs: readonly Run[], now: number): RunCluster[] {
  const clusters = new Map<string, { kind: RunCluster['kind']; title: string; worker: string | null; runs: Run[] }>();
  const put = (id: string, kind: RunCluster['kind'], title: string, worker: string | null, run: Run) => {
    const c = clusters.get(id);
    if (c) c.runs.push(run);
    else clusters.set(id, { kind, title, worker, runs: [run] });
  };
  const builds = new Map<string, Run[]>();
  for (const r of runs) {
    const backfill = r.cause === 'backfill' ? BACKFILL.exec(r.reason) : null;
    if (backfill) put(`backfill:${backfill[1]}`, 'backfill', r.reason, null, r);
    else if (r.cause === 'retry') put(`retry:${r.taskId ?? r.id}`, 'retry', r.reason, null, r);
    else {
      const list = builds.get(r.worker);
      if (list) list.push(r);
      else builds.set(r.worker, [r]);
    }
  }
  for (const [worker, list] of builds) {
    list.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    let id = '';
    let busyUntil = -Infinity;
    for (const r of list) {
      if (r.startedAt > busyUntil + GAP_MS) id = `build:${worker}:${new Date(r.startedAt).toISOString()}`;
      busyUntil = Math.max(busyUntil, r.finishedAt ?? now);
      put(id, 'build', buildTitle(worker), worker, r);
    }
  }
  const newest = (c: { runs: Run[] }) => Math.max(...c.runs.map((r) => r.startedAt));
  return [...clusters]
    .map(([id, c]) => ({ id, ...c, runs: c.runs.sort((a, b) => b.startedAt - a.startedAt || b.id.localeCompare(a.id)) }))
    .sort((a, b) => newest(b) - newest(a) || a.id.localeCompare(b.id));
}

/** `build by process 4242 on host-1` from a worker id (`host:pid:instance`, as `Executor` names itself). */
function buildTitle(worker: string): string {
  const m = /^(.*):(\d+):([0-9a-f]+)$/.exec(worker);
  return m ? `build by process ${m[2]} on ${m[1]}` : `build by ${worker}`;
}
