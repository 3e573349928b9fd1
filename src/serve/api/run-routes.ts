/**
 * `GET /api/runs` and `/api/runs/:id`: recent runs with their outcome, and one
 * run with its log (as `pond runs`). `POST /api/runs/:id/retry` queues the
 * partition of a failed or cancelled run again, for the code loaded now (a
 * running `pond up` leases it within seconds; a succeeded run is not retried:
 * 409, backfill the partition to build it again);
 * `POST /api/runs/:id/cancel` cancels a running run's task (or a queued task
 * by its id), and the worker stops its build within about a second.
 */
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import type { Cause, LogLine, Run, RunStatus } from '../../state/index.ts';
import type * as api from './answers/index.ts';
import { partitionFilter, type ApiContext } from './api-context.ts';
import { rowLimit } from './send-answer.ts';

const STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];
const CAUSES: readonly Cause[] = ['new-data', 'missing', 'input-changed', 'code-changed', 'failed-earlier', 'forced', 'retry', 'backfill', 'manual'];

export function runRoutes(ctx: ApiContext) {
  const runOf = async (id: string): Promise<Run> => {
    const run = await ctx.state.getRun(id);
    if (!run) throw new PondError('NOT_FOUND', `no run ${id}`, { hint: 'GET /api/runs lists recent runs with their ids' });
    return run;
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { dataset?: string; partition?: string; status?: string; cause?: string; limit?: string } }>(
      '/api/runs',
      async (request): Promise<api.RunList> => {
        const { dataset, partition, status, cause } = request.query;
        const idx = partitionFilter(ctx.project, '/api/runs', dataset, partition);
        if (status !== undefined && !(STATUSES as string[]).includes(status))
          throw new PondError('BAD_ARGUMENT', `status "${status}" is not one of ${STATUSES.join(', ')}`);
        if (cause !== undefined && !(CAUSES as string[]).includes(cause))
          throw new PondError('BAD_ARGUMENT', `cause "${cause}" is not one of ${CAUSES.join(', ')}`);
        const runs = await ctx.state.listRuns({
          dataset,
          idx,
          status: status as RunStatus | undefined,
          cause: cause as Cause | undefined,
          limit: rowLimit(request.query.limit, 50, 1000),
        });
        return { runs: runs.map(runJson) };
      },
    );

    app.get<{ Params: { id: string } }>('/api/runs/:id', async (request): Promise<api.RunDetail> => {
      const run = await runOf(request.params.id);
      const logs = await ctx.state.runLogs(run.id);
      return { run: runJson(run), logs: logs.map(logJson) };
    });

    app.post<{ Params: { id: string }; Reply: { 202: api.RetryAnswer } }>('/api/runs/:id/retry', async (request, reply) => {
      const run = await runOf(request.params.id);
      const model = ctx.project.datasets.get(run.dataset);
      if (!model) throw new PondError('NOT_FOUND', `run ${run.id} built "${run.dataset}", which is no longer a dataset of the project`);
      if (run.status === 'running')
        throw new PondError('CONFLICT', `run ${run.id} is still running`, { hint: `cancel it first: POST /api/runs/${run.id}/cancel` });
      if (run.status === 'succeeded')
        throw new PondError('CONFLICT', `run ${run.id} succeeded: there is nothing to retry`, {
          hint: `to build ${run.dataset} ${run.key} again, backfill it: POST /api/datasets/${run.dataset}/backfill {"from": "${run.key}", "to": "${run.key}"}`,
        });
      const reason = `retry of run ${run.id}`;
      // Planned for the code loaded now: a retry after a fix builds with the fix.
      const added = await ctx.state.enqueueTasks([
        {
          dataset: run.dataset,
          idx: run.idx,
          key: run.key,
          cause: 'retry',
          reason,
          priority: model.depth,
          maxAttempts: model.retries.attempts,
          codeFingerprint: model.codeFingerprint,
        },
      ]);
      const [task] = await ctx.state.listTasks({ dataset: run.dataset, idx: run.idx, states: ['queued', 'leased'], limit: 1 });
      if (added === 0) {
        throw new PondError(
          'CONFLICT',
          `${run.dataset} ${run.key} already has a ${task?.state ?? 'queued'} task${task ? ` (${task.id}: ${task.reason})` : ''}`,
          { hint: 'it builds when a worker leases it; GET /api/runs shows it once it starts' },
        );
      }
      if (!task) throw new PondError('INTERNAL', `the retry task of ${run.dataset} ${run.key} was queued but cannot be read back`);
      return reply.code(202).send({ task: { id: task.id, dataset: task.dataset, key: task.key, cause: task.cause, reason: task.reason } });
    });

    app.post<{ Params: { id: string }; Reply: { 202: api.CancelAnswer } }>('/api/runs/:id/cancel', async (request, reply) => {
      const id = request.params.id;
      const run = await ctx.state.getRun(id);
      if (!run) {
        // A queued task (from a retry, say) is cancelled by its own id.
        const state = (await ctx.state.taskStates([id])).get(id);
        if (state === undefined) throw new PondError('NOT_FOUND', `no run or task ${id}`, { hint: 'GET /api/runs lists recent runs with their ids' });
        if (!(await ctx.state.cancelTask(id))) throw new PondError('CONFLICT', `task ${id} is already ${state}`);
        return reply.code(202).send({ cancelled: true });
      }
      if (run.status !== 'running') throw new PondError('CONFLICT', `run ${run.id} has already finished (${run.status})`);
      if (run.taskId === null || !(await ctx.state.cancelTask(run.taskId)))
        throw new PondError('CONFLICT', `run ${run.id} is finishing: its task is no longer queued or leased`);
      return reply.code(202).send({ cancelled: true });
    });
  };
}

export function runJson(r: Run): api.Run {
  return {
    id: r.id,
    taskId: r.taskId,
    dataset: r.dataset,
    idx: r.idx,
    key: r.key,
    cause: r.cause,
    reason: r.reason,
    attempt: r.attempt,
    status: r.status,
    error: r.error,
    retryable: r.retryable,
    versionId: r.versionId,
    worker: r.worker,
    startedAt: new Date(r.startedAt).toISOString(),
    finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
    ms: r.finishedAt === null ? null : r.finishedAt - r.startedAt,
  };
}

function logJson(l: LogLine): api.LogLine {
  return { at: new Date(l.at).toISOString(), level: l.level, message: l.message };
}
