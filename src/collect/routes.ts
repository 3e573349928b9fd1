/**
 * The collector's HTTP routes, as a Fastify plugin: `/v1/streams/:stream/events`,
 * the Segment-compatible `/v1/batch`, `/v1/track` … `/v1/alias`, and CORS for
 * browsers. Bodies arrive as raw bytes (the collector checks UTF-8, framing
 * and sizes itself, to answer with reasons); a body over the request limit is
 * cut off by Fastify and answered 413.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SEGMENT_TYPES, type SegmentType } from '../config/index.ts';
import { clientIp } from './client-ip.ts';
import type { CollectAnswer, Collector } from './collector.ts';

export function collectRoutes(
  collector: Collector,
  settings: { maxRequestBytes: number; cors: '*' | readonly string[]; trustProxy: boolean; truncateIp: boolean },
) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: settings.maxRequestBytes }, (_req, body, done) => done(null, body));

    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin === undefined) return;
      const allowed = settings.cors === '*' || settings.cors.includes(origin);
      if (!allowed) return;
      reply.header('access-control-allow-origin', settings.cors === '*' ? '*' : origin);
      if (settings.cors !== '*') reply.header('vary', 'Origin');
    });
    app.options('/v1/*', async (_request, reply) => {
      reply
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'Content-Type, Authorization, X-Pond-Write-Key, Idempotency-Key, X-Pond-First-Index')
        .header('access-control-max-age', '86400')
        .code(204)
        .send();
    });

    const input = (request: FastifyRequest) => ({
      headers: request.headers,
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      ip: clientIp(request.socket.remoteAddress, firstHeader(request.headers['x-forwarded-for']), {
        trustProxy: settings.trustProxy,
        truncate: settings.truncateIp,
      }),
    });

    app.post<{ Params: { stream: string } }>('/v1/streams/:stream/events', async (request, reply) =>
      answer(reply, await collector.native(request.params.stream, input(request))),
    );
    app.post('/v1/batch', async (request, reply) => answer(reply, await collector.segment(undefined, input(request))));
    for (const type of SEGMENT_TYPES) {
      app.post(`/v1/${type}`, async (request, reply) => answer(reply, await collector.segment(type as SegmentType, input(request))));
    }
  };
}

function answer(reply: FastifyReply, result: CollectAnswer): FastifyReply {
  if (result.retryAfterSeconds !== undefined) reply.header('retry-after', String(result.retryAfterSeconds));
  return reply.code(result.status).send(result.body);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
