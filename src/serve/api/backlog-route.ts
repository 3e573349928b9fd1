/**
 * `GET /api/backlog`: per dataset and in all, what is left to build (stale,
 * waiting for inputs, queued, running, failed), what builds now and next, and
 * when the backlog should clear at the recent build throughput. The counts come
 * from the one shared plan and the open tasks; throughput from the runs that
 * finished in the last ten minutes (or over the newest few thousand runs, when
 * more finished): an estimate, as good as the recent past is like the near future.
 */
import type { FastifyInstance } from 'fastify';
import type { DatasetPlan } from '../../orchestrate/index.ts';
import type { Run, Task } from '../../state/index.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';
import { runJson } from './run-routes.ts';

const WINDOW_MS = 10 * 60_000;
/** Runs read to measure throughput: the window is cut short when more finished in it. */
const RECENT_RUNS = 5000;
/** A rate is never measured over less than this, so one build a second ago is not 60 a minute. */
const MIN_WINDOW_MS = 60_000;

export function backlogRoute(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/backlog', async (): Promise<api.Backlog> => {
      const [p, open, running, recent] = await Promise.all([
        ctx.plans.current(),
        ctx.state.listTasks({ states: ['queued', 'leased'], limit: 1_000_000 }),
        ctx.state.listRuns({ status: 'running', limit: 100 }),
        ctx.state.listRuns({ limit: RECENT_RUNS }),
      ]);
      const now = Date.now();
      const { windowMs, finished } = throughput(recent, now);
      const tasksOf = groupBy(open, (t) => t.dataset);
      const datasets = [...p.datasets.values()].map((d): api.DatasetBacklog => ({
        name: d.name,
        ...figures(d, tasksOf.get(d.name) ?? [], finished.get(d.name) ?? 0, windowMs),
      }));
      const sum = (field: keyof api.BacklogFigures) => datasets.reduce((n, d) => n + (d[field] ?? 0), 0);
      const recentBuilds = sum('recentBuilds');
      const toBuild = sum('toBuild');
      const total: api.BacklogFigures = {
        toBuild,
        stale: sum('stale'),
        waiting: sum('waiting'),
        queued: sum('queued'),
        running: sum('running'),
        failed: sum('failed'),
        recentBuilds,
        perMinute: perMinute(recentBuilds, windowMs),
        clearsInMs: clearsIn(toBuild, recentBuilds, windowMs),
      };
      return {
        at: new Date(now).toISOString(),
        windowMs,
        total,
        datasets,
        running: running.map(runJson).reverse(),
        next: open
          .filter((t) => t.state === 'queued')
          .slice(0, 10)
          .map((t) => ({
            id: t.id,
            dataset: t.dataset,
            key: t.key,
            cause: t.cause,
            reason: t.reason,
            attempts: t.attempts,
            notBefore: t.notBefore > now ? new Date(t.notBefore).toISOString() : null,
          })),
      };
    });
  };
}

/** Builds finished per dataset within the window, and the window itself (shorter when the runs read do not reach back that far). */
function throughput(recent: readonly Run[], now: number): { windowMs: number; finished: Map<string, number> } {
  let from = now - WINDOW_MS;
  // Newest first: when the runs read stop short of the window, measure over what they cover.
  if (recent.length === RECENT_RUNS) from = Math.max(from, recent.at(-1)?.startedAt ?? from);
  const finished = new Map<string, number>();
  for (const r of recent) {
    if (r.finishedAt === null || r.finishedAt < from || r.status === 'cancelled') continue;
    finished.set(r.dataset, (finished.get(r.dataset) ?? 0) + 1);
  }
  return { windowMs: Math.max(MIN_WINDOW_MS, now - from), finished };
}

function figures(d: DatasetPlan, tasks: readonly Task[], recentBuilds: number, windowMs: number): api.BacklogFigures {
  const size = d.span ? d.span.end - d.span.start : 0;
  let stale = 0;
  let waiting = 0;
  let failed = 0;
  for (let k = 0; k < size; k++) {
    if (d.reason[k] === 0) continue;
    stale++;
    if (d.failed[k]) failed++;
    else if (d.planned[k] && !d.ready[k]) waiting++;
  }
  // Tasks for partitions the stale count leaves out: a retry or a backfill of a fresh or failed partition, or one outside the span.
  let extra = 0;
  for (const t of tasks) {
    const k = d.span ? t.idx - d.span.start : -1;
    if (k < 0 || k >= size || d.reason[k] === 0 || d.failed[k]) extra++;
  }
  const toBuild = stale - failed + extra;
  return {
    toBuild,
    stale,
    waiting,
    queued: tasks.filter((t) => t.state === 'queued').length,
    running: tasks.filter((t) => t.state === 'leased').length,
    failed,
    recentBuilds,
    perMinute: perMinute(recentBuilds, windowMs),
    clearsInMs: clearsIn(toBuild, recentBuilds, windowMs),
  };
}

function perMinute(builds: number, windowMs: number): number {
  return Math.round((builds / windowMs) * 60_000 * 100) / 100;
}

function clearsIn(toBuild: number, builds: number, windowMs: number): number | null {
  if (toBuild === 0) return 0;
  if (builds === 0) return null;
  return Math.round((toBuild / builds) * windowMs);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
