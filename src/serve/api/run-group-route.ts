/**
 * `GET /api/run-groups?page=&pageSize=&runs=&dataset=&partition=&status=&cause=&group=`:
 * runs grouped by the build, backfill or retry that caused them (see
 * run-groups.ts), newest first, a page of groups at a time, each with its
 * counts by status and cause and its newest runs. The newest few thousand
 * runs that match the filters are grouped; the answer says when older ones
 * were left out. `group` answers that one group (with up to `runs` of its runs).
 */
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import type { Cause, RunStatus } from '../../state/index.ts';
import type * as api from './answers/index.ts';
import { partitionFilter, type ApiContext } from './api-context.ts';
import { clusterRuns } from './run-groups.ts';
import { runJson } from './run-routes.ts';

const STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];
const CAUSES: readonly Cause[] = ['new-data', 'missing', 'input-changed', 'code-changed', 'failed-earlier', 'forced', 'retry', 'backfill', 'manual'];
/** Runs grouped at most. */
const RUNS_READ = 5000;

export function runGroupRoute(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{
      Querystring: { dataset?: string; partition?: string; status?: string; cause?: string; group?: string; page?: string; pageSize?: string; runs?: string };
    }>('/api/run-groups', async (request): Promise<api.RunGroupList> => {
      const { dataset, partition, status, cause } = request.query;
      const idx = partitionFilter(ctx.project, '/api/run-groups', dataset, partition);
      if (status !== undefined && !(STATUSES as string[]).includes(status))
        throw new PondError('BAD_ARGUMENT', `status "${status}" is not one of ${STATUSES.join(', ')}`);
      if (cause !== undefined && !(CAUSES as string[]).includes(cause))
        throw new PondError('BAD_ARGUMENT', `cause "${cause}" is not one of ${CAUSES.join(', ')}`);
      const page = wholeNumber('page', request.query.page, 1, 1_000_000);
      const pageSize = wholeNumber('pageSize', request.query.pageSize, 20, 100);
      const shown = wholeNumber('runs', request.query.runs, 10, 500);
      const runs = await ctx.state.listRuns({ dataset, idx, status: status as RunStatus | undefined, cause: cause as Cause | undefined, limit: RUNS_READ });
      const now = Date.now();
      const all = clusterRuns(runs, now);
      const clusters = request.query.group === undefined ? all : all.filter((c) => c.id === request.query.group);
      const groups = clusters.slice((page - 1) * pageSize, page * pageSize).map((c): api.RunGroup => {
        const count = (s: RunStatus) => c.runs.filter((r) => r.status === s).length;
        const causes: Record<string, number> = {};
        for (const r of c.runs) causes[r.cause] = (causes[r.cause] ?? 0) + 1;
        const oldestFirst = [...c.runs].reverse();
        const running = count('running');
        return {
          id: c.id,
          kind: c.kind,
          title: c.title,
          worker: c.worker,
          startedAt: new Date(Math.min(...c.runs.map((r) => r.startedAt))).toISOString(),
          finishedAt: running > 0 ? null : new Date(Math.max(...c.runs.map((r) => r.finishedAt ?? r.startedAt))).toISOString(),
          runCount: c.runs.length,
          running,
          succeeded: count('succeeded'),
          failed: count('failed'),
          cancelled: count('cancelled'),
          causes,
          datasets: [...new Set(oldestFirst.map((r) => r.dataset))],
          runs: c.runs.slice(0, shown).map(runJson),
        };
      });
      return { groups, page, pageSize, hasMore: clusters.length > page * pageSize, runsRead: runs.length, runsTruncated: runs.length === RUNS_READ };
    });
  };
}

function wholeNumber(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new PondError('BAD_ARGUMENT', `${name} ${value} is not a whole number from 1 to ${max}`, { hint: `default ${fallback}` });
  return n;
}
