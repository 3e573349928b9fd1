/**
 * `GET /api/sinks`: every sink of every dataset, with how many of the
 * dataset's current partitions it holds, how many are behind or failing,
 * when it last published, the error of its first failing partition and its
 * soonest retry (as `pond sinks`, from the same sink status).
 */
import type { FastifyInstance } from 'fastify';
import type { DatasetModel } from '../../config/index.ts';
import { sinkStatus } from '../../sink/index.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';

export function sinkRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/sinks', async (): Promise<api.SinkList> => {
      const models = ctx.project.order.map((n) => ctx.project.datasets.get(n)).filter((d): d is DatasetModel => d !== undefined);
      const status = await sinkStatus(ctx.state, models);
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return {
        sinks: status.map((s): api.Sink => {
          const next = s.errors.reduce<number | null>(
            (min, e) => (e.nextAttemptAt !== null && (min === null || e.nextAttemptAt < min) ? e.nextAttemptAt : min),
            null,
          );
          return {
            dataset: s.dataset,
            sink: s.sink,
            kind: s.kind,
            target: s.target,
            partitions: s.partitions,
            published: s.published,
            behind: s.behind,
            failing: s.failed,
            lastPublishedAt: iso(s.lastPublishedAt),
            lastError: s.errors[0]
              ? { partition: s.errors[0].key, version: s.errors[0].version, error: s.errors[0].error, attempts: s.errors[0].attempts }
              : null,
            nextAttemptAt: iso(next),
          };
        }),
      };
    });
  };
}
