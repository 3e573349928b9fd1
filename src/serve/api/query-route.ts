/**
 * `POST /api/query`: one read-only SQL statement over the views of every
 * stream, dataset and `dead_letters`, answered as JSON (columns with types,
 * rows, `truncated`), CSV or Parquet, within the timeout and row limit.
 */
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import type { ApiContext } from './api-context.ts';
import { answerFormat, rowLimit, sendAnswer } from './send-answer.ts';

export interface QueryBody {
  readonly sql?: unknown;
  readonly format?: unknown;
  readonly limit?: unknown;
}

export function queryRoute(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    // Plain-text bodies are the SQL itself: `curl --data-binary @query.sql -H 'content-type: text/plain'`.
    app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, { sql: body }));
    app.post<{ Body: QueryBody | undefined; Querystring: { format?: string; limit?: string } }>('/api/query', async (request, reply) => {
      const body = request.body ?? {};
      if (typeof body !== 'object' || typeof body.sql !== 'string' || body.sql.trim() === '') {
        throw new PondError('BAD_ARGUMENT', 'the body needs "sql": a SQL statement', {
          hint: 'POST {"sql": "select count(*) from events"} as application/json',
        });
      }
      const format = answerFormat(request, body.format ?? request.query.format);
      const limit = rowLimit(body.limit ?? request.query.limit, ctx.project.api.defaultRows, ctx.project.api.maxRows);
      return sendAnswer(reply, await ctx.sql.run(body.sql, { format, limit }), 'query');
    });
  };
}
