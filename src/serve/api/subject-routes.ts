/**
 * Forgetting over HTTP. `POST /api/subjects/:id/forget` records the request
 * in the audit log and deletes the subject's key at once (its personal data
 * is unreadable from then on); the `pond up` serving the API marks what held
 * the subject for rebuilding within seconds. A subject already forgotten is
 * answered 200 with the request that forgot it and `alreadyForgotten: true`
 * (asking twice is harmless: nothing is recorded or rebuilt again).
 * `GET /api/forget-requests` and `/api/forget-requests/:id` show the
 * requests with their rebuilds and last verification (as `pond forget
 * --status`).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PondError } from '../../errors/index.ts';
import { forgetProgress, forgetRequestJson, recordForgetting, type ForgetProgress } from '../../lifecycle/index.ts';
import type { SubjectKeyRing } from '../../privacy/index.ts';
import type { ForgetStatus } from '../../state/index.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';
import { rowLimit } from './send-answer.ts';

const STATUSES: readonly ForgetStatus[] = ['recorded', 'rebuilding', 'done'];

export function subjectRoutes(ctx: ApiContext, keyRing: () => Promise<SubjectKeyRing>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{
      Params: { id: string };
      Body: { reason?: unknown; requestedBy?: unknown } | undefined;
      Reply: api.ForgetAnswer;
    }>('/api/subjects/:id/forget', async (request, reply) => {
      const body = request.body ?? {};
      if (typeof body !== 'object' || body === null) throw new PondError('BAD_ARGUMENT', 'the body must be a JSON object { reason, requestedBy? }');
      if (typeof body.reason !== 'string')
        throw new PondError('BAD_ARGUMENT', 'reason is required: why the subject is forgotten (recorded in the audit log; no personal data)', {
          hint: '{"reason": "GDPR art. 17 request, ticket 4711"}',
        });
      if (body.requestedBy !== undefined && typeof body.requestedBy !== 'string') throw new PondError('BAD_ARGUMENT', 'requestedBy must be a string: who asks');
      const ring = await keyRing();
      const [answer] = await recordForgetting({ state: ctx.state, ring }, [request.params.id], {
        reason: body.reason,
        requestedBy: body.requestedBy ?? caller(request),
      });
      const [progress] = await forgetProgress(ctx.state, answer ? [answer.request] : []);
      if (!answer || !progress) throw new PondError('INTERNAL', 'the forget request was recorded but cannot be read back');
      return reply
        .code(answer.alreadyForgotten ? 200 : 202)
        .header('location', `/api/forget-requests/${progress.request.id}`)
        .send({ request: forgetRequestJson(progress, answer.alreadyForgotten), alreadyForgotten: answer.alreadyForgotten });
    });
  };
}

export function forgetRequestRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { status?: string; limit?: string } }>('/api/forget-requests', async (request): Promise<api.ForgetRequestList> => {
      const { status } = request.query;
      if (status !== undefined && !(STATUSES as string[]).includes(status))
        throw new PondError('BAD_ARGUMENT', `status "${status}" is not one of ${STATUSES.join(', ')}`);
      const requests = await ctx.state.forgetRequests({
        status: status === undefined ? undefined : [status as ForgetStatus],
        limit: rowLimit(request.query.limit, 50, 1000),
      });
      return { requests: (await forgetProgress(ctx.state, requests)).map((p) => forgetRequestJson(p)) };
    });

    app.get<{ Params: { id: string } }>('/api/forget-requests/:id', async (request): Promise<api.ForgetRequestDetail> => {
      const [found] = await ctx.state.forgetRequests({ ids: [request.params.id] });
      if (!found) throw new PondError('NOT_FOUND', `no forget request ${request.params.id}`, { hint: 'GET /api/forget-requests lists them' });
      const [progress] = await forgetProgress(ctx.state, [found]);
      return { request: forgetRequestJson(progress as ForgetProgress) };
    });
  };
}

/** Who called, for the audit log: the fingerprint of the bearer token, never the token. */
function caller(request: FastifyRequest): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return 'data API (no token)';
  return `data API token sha256:${createHash('sha256')
    .update(match[1] as string)
    .digest('hex')
    .slice(0, 12)}`;
}
