/** `GET /api/checks`: check results of every version, newest first, with samples of failing rows (as `pond checks`). */
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import { partitionFilter, type ApiContext } from './api-context.ts';
import { rowLimit } from './send-answer.ts';

export function checkRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { dataset?: string; partition?: string; version?: string; failed?: string; limit?: string } }>('/api/checks', async (request) => {
      const { dataset, partition, version, failed } = request.query;
      const idx = partitionFilter(ctx.project, '/api/checks', dataset, partition);
      if (failed !== undefined && failed !== 'true' && failed !== 'false') throw new PondError('BAD_ARGUMENT', `failed must be true or false, got "${failed}"`);
      const results = await ctx.state.checkResults({
        dataset,
        idx,
        versionId: version,
        failed: failed === 'true',
        limit: rowLimit(request.query.limit, 50, 1000),
      });
      return { checks: results.map((r) => ({ ...r, checkedAt: new Date(r.checkedAt).toISOString() })) };
    });
  };
}
