/** `GET /api/checks`: check results of every version, newest first, with samples of failing rows (as `pond checks`). */
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import type { CheckResult } from '../../state/index.ts';
import type * as api from './answers/index.ts';
import { partitionFilter, type ApiContext } from './api-context.ts';
import { rowLimit } from './send-answer.ts';

export function checkRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { dataset?: string; partition?: string; version?: string; failed?: string; limit?: string } }>(
      '/api/checks',
      async (request): Promise<api.CheckList> => {
        const { dataset, partition, version, failed } = request.query;
        const idx = partitionFilter(ctx.project, '/api/checks', dataset, partition);
        if (failed !== undefined && failed !== 'true' && failed !== 'false')
          throw new PondError('BAD_ARGUMENT', `failed must be true or false, got "${failed}"`);
        const results = await ctx.state.checkResults({
          dataset,
          idx,
          versionId: version,
          failed: failed === 'true',
          limit: rowLimit(request.query.limit, 50, 1000),
        });
        return { checks: results.map((r): api.CheckResult => ({ ...checkSummaryJson(r), sample: r.sample })) };
      },
    );
  };
}

/** A check result without its sample of failing rows, as the API answers it. */
export function checkSummaryJson(r: CheckResult): api.CheckSummary {
  return {
    dataset: r.dataset,
    idx: r.idx,
    key: r.key,
    versionId: r.versionId,
    check: r.check,
    kind: r.kind,
    severity: r.severity,
    status: r.status,
    observed: r.observed,
    threshold: r.threshold,
    failingRows: r.failingRows,
    keyColumns: r.keyColumns,
    message: r.message,
    runId: r.runId,
    checkedAt: new Date(r.checkedAt).toISOString(),
    versionState: r.versionState,
    current: r.current,
  };
}
