/**
 * `GET /api/streams`, `/api/streams/:name` and `/api/streams/:name/dead-letters`:
 * each stream's counts, watermark, rates and landing latency (receipt to
 * lake, last five minutes), and its dead letters with
 * their reasons and payloads (JSON, CSV or Parquet).
 */
import type { FastifyInstance } from 'fastify';
import type { StreamModel } from '../../config/index.ts';
import { PondError } from '../../errors/index.ts';
import { watermarkOf } from '../../orchestrate/index.ts';
import { sqlString } from '../../compute/index.ts';
import type { LandingLatency } from '../landing-latency.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';
import { answerFormat, rowLimit, sendAnswer } from './send-answer.ts';
import type { StreamRates } from './stream-rates.ts';

export function streamRoutes(ctx: ApiContext, rates: StreamRates, landing?: LandingLatency) {
  const streamOf = (name: string): StreamModel => {
    const stream = ctx.project.streams.get(name);
    if (!stream) throw new PondError('NOT_FOUND', `no stream named "${name}"`, { hint: `streams: ${[...ctx.project.streams.keys()].join(', ') || '(none)'}` });
    return stream;
  };
  const describe = async (stream: StreamModel): Promise<api.Stream> => {
    const activity = await ctx.state.getStreamActivity(stream.name);
    const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
    return {
      name: stream.name,
      schemaFile: stream.schemaFile,
      grain: stream.partitioning.kind === 'none' ? 'none' : stream.partitioning.grain.name,
      latenessMs: stream.latenessMs,
      events: activity?.events ?? 0,
      deadLetters: activity?.deadLetters ?? 0,
      newestEventTime: iso(activity?.maxEventTime),
      lastReceivedAt: iso(activity?.lastReceivedAt),
      watermark: iso(watermarkOf(stream, activity, Date.now())),
      rates: rates.rate(stream.name),
      landing: landing?.figures(stream.name) ?? { lastLagMs: null, p50LagMs: null, p95LagMs: null, batches: 0 },
    };
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/streams', async (): Promise<api.StreamList> => ({ streams: await Promise.all([...ctx.project.streams.values()].map(describe)) }));

    app.get<{ Params: { name: string } }>('/api/streams/:name', async (request): Promise<api.Stream> => describe(streamOf(request.params.name)));

    app.get<{ Params: { name: string }; Querystring: { format?: string; limit?: string } }>('/api/streams/:name/dead-letters', async (request, reply) => {
      const stream = streamOf(request.params.name);
      const format = answerFormat(request, request.query.format);
      const limit = rowLimit(request.query.limit, Math.min(100, ctx.project.api.defaultRows), ctx.project.api.maxRows);
      const sql = `select * from dead_letters where stream = ${sqlString(stream.name)} order by _received_at desc`;
      return sendAnswer(reply, await ctx.sql.run(sql, { format, limit, trusted: true }), `${stream.name}-dead-letters`);
    });
  };
}
