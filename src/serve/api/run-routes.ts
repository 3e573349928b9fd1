/** `GET /api/runs` and `/api/runs/:id`: recent runs with their outcome, and one run with its log (as `pond runs`). */
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import type { LogLine, Run, RunStatus } from '../../state/index.ts';
import { findNode, type ApiContext } from './api-context.ts';
import { rowLimit } from './send-answer.ts';

const STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];

export function runRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { dataset?: string; status?: string; limit?: string } }>('/api/runs', async (request) => {
      const { dataset, status } = request.query;
      if (dataset !== undefined) findNode(ctx.project, dataset);
      if (status !== undefined && !(STATUSES as string[]).includes(status)) throw new PondError('BAD_ARGUMENT', `status "${status}" is not one of ${STATUSES.join(', ')}`);
      const runs = await ctx.state.listRuns({ dataset, status: status as RunStatus | undefined, limit: rowLimit(request.query.limit, 50, 1000) });
      return { runs: runs.map(runJson) };
    });

    app.get<{ Params: { id: string } }>('/api/runs/:id', async (request) => {
      const run = await ctx.state.getRun(request.params.id);
      if (!run) throw new PondError('NOT_FOUND', `no run ${request.params.id}`, { hint: 'GET /api/runs lists recent runs with their ids' });
      const logs = await ctx.state.runLogs(run.id);
      return { run: runJson(run), logs: logs.map(logJson) };
    });
  };
}

function runJson(r: Run) {
  return {
    ...r,
    startedAt: new Date(r.startedAt).toISOString(),
    finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
    ms: r.finishedAt === null ? null : r.finishedAt - r.startedAt,
  };
}

function logJson(l: LogLine) {
  return { at: new Date(l.at).toISOString(), level: l.level, message: l.message };
}
