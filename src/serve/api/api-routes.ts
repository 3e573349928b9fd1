/**
 * The data API (`/api/…`) and `/metrics` as one fastify plugin: bearer
 * tokens first, then the routes, one file per concept. Errors are JSON with
 * a reason (`error`), Pond's code and a hint, at the status of the code's row
 * in the error table: unknown names 404, bad SQL or parameters 400, a query
 * past its timeout 408.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Project } from '../../config/index.ts';
import type { ApiState } from './api-context.ts';
import { PondError } from '../../errors/index.ts';
import type { Lake } from '../../lake/index.ts';
import type { LandingLatency } from '../landing-latency.ts';
import type { PondMetrics } from '../metrics.ts';
import type { ErrorAnswer } from './answers/index.ts';
import { backfillRoute } from './backfill-route.ts';
import { backlogRoute } from './backlog-route.ts';
import { bearerAuth } from './bearer-auth.ts';
import { checkRoutes } from './check-routes.ts';
import { datasetRoutes } from './dataset-routes.ts';
import { deadLetterRoute } from './dead-letter-route.ts';
import { gridRoute } from './grid-route.ts';
import { OPENAPI_DOCUMENT } from './openapi.ts';
import { partitionRoutes } from './partition-routes.ts';
import { ProjectPrivacy, privacyRoute } from './personal-data.ts';
import { PlanCache } from './plan-cache.ts';
import { queryRoute } from './query-route.ts';
import { ReadOnlySql } from './read-only-sql.ts';
import { runGroupRoute } from './run-group-route.ts';
import { runRoutes } from './run-routes.ts';
import { schemaHistoryRoute } from './schema-history-route.ts';
import { schemaRoutes } from './schema-routes.ts';
import { sinkRoutes } from './sink-routes.ts';
import { StreamRates } from './stream-rates.ts';
import { streamRoutes } from './stream-routes.ts';
import { forgetRequestRoutes, subjectRoutes } from './subject-routes.ts';
import type { SubjectKeyRing } from '../../privacy/index.ts';
import { StreamTail } from '../../collect/index.ts';
import { tailRoute } from './tail-route.ts';
import type { ProjectStatus } from './answers/index.ts';

export interface ApiRoutesOptions {
  readonly project: Project;
  readonly state: ApiState;
  readonly lake: Lake;
  /** Served at `/metrics` when given. */
  readonly metrics?: PondMetrics;
  /** Per-stream landing latency, from the lander running beside the server (absent: streams show none). */
  readonly landing?: LandingLatency;
  /** The data subjects' keys: forgetting subjects needs them (absent: no `/api/subjects` routes). */
  readonly keyRing?: () => Promise<SubjectKeyRing>;
  /** The streams' live tails, filled by the collector beside the API (absent: the tails are empty). */
  readonly tail?: StreamTail;
  /** Which load of the project this is (`pond up` reloads it when its files change); absent: the one loaded at start, for good. */
  readonly projectStatus?: () => ProjectStatus;
}

export async function apiRoutes(options: ApiRoutesOptions): Promise<(app: FastifyInstance) => Promise<void>> {
  const { project, state, lake } = options;
  const sql = await ReadOnlySql.open(project, state, lake);
  const ctx = { project, state, lake, sql, plans: new PlanCache(project, state), privacy: new ProjectPrivacy(project, sql) };
  const rates = new StreamRates(state, [...project.streams.keys()]);
  const loadedAt = new Date().toISOString();
  const projectStatus = options.projectStatus ?? ((): ProjectStatus => ({ name: project.name, generation: 0, loadedAt, error: null }));
  return async (app) => {
    app.addHook('onClose', async () => {
      rates.stop();
      sql.close();
    });
    app.setErrorHandler((error: FastifyError | PondError, _request, reply) => {
      if (error instanceof PondError) {
        const status = error.httpStatus;
        return reply
          .code(status)
          .send({ error: status >= 500 ? `internal error: ${error.message}` : error.message, code: error.code, hint: error.hint } satisfies ErrorAnswer);
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) return reply.code(500).send({ error: `internal error: ${error.message}`, code: 'INTERNAL' } satisfies ErrorAnswer);
      return reply.code(status).send({ error: error.message, code: 'BAD_ARGUMENT' } satisfies ErrorAnswer);
    });
    app.get('/api/openapi.json', async () => OPENAPI_DOCUMENT);
    await app.register(async (secured) => {
      secured.addHook('onRequest', bearerAuth(project.api.tokens));
      await secured.register(queryRoute(ctx));
      await secured.register(datasetRoutes(ctx));
      await secured.register(runRoutes(ctx));
      await secured.register(checkRoutes(ctx));
      await secured.register(schemaRoutes(ctx));
      await secured.register(streamRoutes(ctx, rates, options.landing));
      await secured.register(partitionRoutes(ctx));
      await secured.register(schemaHistoryRoute(ctx));
      await secured.register(sinkRoutes(ctx));
      await secured.register(forgetRequestRoutes(ctx));
      await secured.register(privacyRoute(ctx));
      await secured.register(backlogRoute(ctx));
      await secured.register(gridRoute(ctx));
      await secured.register(runGroupRoute(ctx));
      await secured.register(backfillRoute(ctx));
      await secured.register(deadLetterRoute(ctx, options.keyRing));
      await secured.register(tailRoute(ctx, options.tail ?? new StreamTail()));
      secured.get('/api/project', async (): Promise<ProjectStatus> => projectStatus());
      if (options.keyRing) await secured.register(subjectRoutes(ctx, options.keyRing));
      const metrics = options.metrics;
      if (metrics) secured.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.registry.metrics()));
    });
    rates.start();
  };
}
