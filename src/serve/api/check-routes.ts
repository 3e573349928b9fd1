/** `GET /api/checks`: check results of every version, newest first, with samples of failing rows (as `pond checks`). */
import type { FastifyInstance } from 'fastify';
import { parsePartitionKey } from '../../define/index.ts';
import { PondError } from '../../errors/index.ts';
import { findNode, type ApiContext } from './api-context.ts';
import { rowLimit } from './send-answer.ts';

export function checkRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { dataset?: string; partition?: string; version?: string; failed?: string; limit?: string } }>('/api/checks', async (request) => {
      const { dataset, partition, version, failed } = request.query;
      let idx: number | undefined;
      if (dataset !== undefined) {
        const node = findNode(ctx.project, dataset);
        if (partition !== undefined) {
          idx = parsePartitionKey(node.partitioning, partition);
          if (idx === undefined) throw new PondError('BAD_ARGUMENT', `"${partition}" is not a partition key of ${dataset}`);
        }
      } else if (partition !== undefined) {
        throw new PondError('BAD_ARGUMENT', 'partition needs dataset', { hint: 'GET /api/checks?dataset=NAME&partition=KEY' });
      }
      if (failed !== undefined && failed !== 'true' && failed !== 'false') throw new PondError('BAD_ARGUMENT', `failed must be true or false, got "${failed}"`);
      const results = await ctx.state.checkResults({ dataset, idx, versionId: version, failed: failed === 'true', limit: rowLimit(request.query.limit, 50, 1000) });
      return { checks: results.map((r) => ({ ...r, checkedAt: new Date(r.checkedAt).toISOString() })) };
    });
  };
}
