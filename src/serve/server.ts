/**
 * Pond's one HTTP server: collection under `/v1`, health under `/healthz`
 * (the process answers) and `/readyz` (the buffer takes writes), and, when
 * given the state and the lake, the data API under `/api`, `/metrics` and
 * the web UI at `/`.
 * Errors are JSON with a reason, never an HTML page or a stack.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Log } from '../buffer/index.ts';
import { Collector, collectRoutes, StreamTail } from '../collect/index.ts';
import type { Project } from '../config/index.ts';
import { withoutServerPaths } from '../errors/index.ts';
import type { SubjectKeyRing } from '../privacy/index.ts';
import { apiRoutes, assertApiExposure } from './api/index.ts';
import { webUi } from './web-ui.ts';

export interface ServerOptions {
  readonly project: Project;
  readonly log: Log;
  readonly topic: string;
  /** The data subjects' keys, opened on first use: the collector protects personal data with them before the buffer. */
  readonly keyRing?: () => Promise<SubjectKeyRing>;
  /** The data API and `/metrics`; left out, the server only collects. */
  readonly api?: Omit<Parameters<typeof apiRoutes>[0], 'project' | 'tail'>;
  /** The streams' live tails the collector fills and `/api/streams/:name/tail` reads; left out, the server keeps its own. */
  readonly tail?: StreamTail;
  /**
   * Mount the routes on a server of the caller's instead of one of their own
   * (Fastify's serverFactory): the caller listens, and can switch the server
   * to another app's handler (a reloaded project).
   */
  readonly serverFactory?: (handler: (request: IncomingMessage, response: ServerResponse) => void) => Server;
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const settings = options.project.collect;
  if (options.api) assertApiExposure(settings.host, options.project.api.tokens);
  const app = Fastify({
    logger: false,
    bodyLimit: settings.maxRequestBytes,
    requestTimeout: 30_000,
    keepAliveTimeout: 65_000,
    trustProxy: settings.trustProxy,
    return503OnClosing: true,
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send({ error: `the request body is over ${settings.maxRequestBytes} bytes (collect.maxRequestSize); send fewer events per request` });
    }
    // A sender is told what failed, not where the server keeps its files.
    if (status >= 500) return reply.code(500).send({ error: `internal error: ${withoutServerPaths(error.message)}` });
    return reply.code(status).send({ error: error.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    if (options.log.writable()) return { ready: true };
    const stats = options.log.stats();
    return reply.code(503).header('retry-after', '1').send({ ready: false, reason: 'the buffer does not take writes now (full or failed)', buffer: stats });
  });

  const tail = options.tail ?? new StreamTail();
  const collector = new Collector({ project: options.project, log: options.log, topic: options.topic, keyRing: options.keyRing, tail });
  await app.register(collectRoutes(collector, settings));
  if (options.api) {
    await app.register(await apiRoutes({ project: options.project, ...options.api, tail }));
    await app.register(webUi());
  }
  return app;
}
