/**
 * `GET /api/streams/:name/tail`: the last events a stream received, accepted
 * and dead-lettered, as they arrive — the collector's live tail
 * (collect/stream-tail.ts), like Segment's debugger.
 *
 * A long-poll with a cursor, rather than Server-Sent Events: every answer is
 * one JSON document of a type in `answers/` that the OpenAPI document
 * describes, it passes the bearer token like any other request (a browser's
 * EventSource cannot send one), proxies do not buffer it, and a client that
 * was away gets what it missed since its cursor (or is told how many it
 * missed). `after` is the cursor of the previous answer; `wait` (seconds, at
 * most 30) holds the request open until an event arrives.
 *
 * Personal data: the API serves what the lake holds to every caller with a
 * token (pseudonyms and ciphertext, never clear values), and the tail does
 * the same, with each encrypted value masked to `enc:v1:<pseudonym>:…`.
 */
import type { FastifyInstance } from 'fastify';
import { isTailCursor, type StreamTail } from '../../collect/index.ts';
import { encryptedFields, protectsPersonalData, type StreamModel } from '../../config/index.ts';
import { didYouMean, PondError } from '../../errors/index.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';

/** The longest a request waits for events, in seconds. */
export const MAX_TAIL_WAIT_SECONDS = 30;

export function tailRoute(ctx: Pick<ApiContext, 'project'>, tail: StreamTail) {
  const encrypted = new Map<StreamModel, ReadonlySet<string>>();
  const encryptedOf = (stream: StreamModel) => {
    let set = encrypted.get(stream);
    if (!set) encrypted.set(stream, (set = new Set(protectsPersonalData(stream.pii) ? encryptedFields(stream.pii) : [])));
    return set;
  };
  return async (app: FastifyInstance): Promise<void> => {
    // Waiting requests end when the server closes, not when their wait is up.
    const closing = new AbortController();
    app.addHook('onClose', async () => closing.abort());

    app.get<{ Params: { name: string }; Querystring: { after?: string; limit?: string; wait?: string; status?: string } }>(
      '/api/streams/:name/tail',
      async (request, reply): Promise<api.StreamTail> => {
        const stream = ctx.project.streams.get(request.params.name);
        if (!stream) {
          const names = [...ctx.project.streams.keys()];
          throw new PondError('NOT_FOUND', `no stream named "${request.params.name}"${didYouMean(request.params.name, names)}`, {
            hint: `streams: ${names.join(', ') || '(none)'}`,
          });
        }
        const { after, status } = request.query;
        if (after !== undefined && !isTailCursor(after))
          throw new PondError('BAD_ARGUMENT', `after "${after.slice(0, 40)}" is not a cursor of a tail`, { hint: 'pass the cursor of the previous answer' });
        if (status !== undefined && status !== 'accepted' && status !== 'dead-letter')
          throw new PondError('BAD_ARGUMENT', `status "${status.slice(0, 40)}" is not accepted or dead-letter`);
        const wait = request.query.wait === undefined || request.query.wait === '' ? 0 : Number(request.query.wait);
        if (!Number.isFinite(wait) || wait < 0 || wait > MAX_TAIL_WAIT_SECONDS)
          throw new PondError('BAD_ARGUMENT', `wait ${request.query.wait} is not a number of seconds from 0 to ${MAX_TAIL_WAIT_SECONDS}`);
        const limit = request.query.limit === undefined || request.query.limit === '' ? tail.capacity : Number(request.query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > tail.capacity)
          throw new PondError('BAD_ARGUMENT', `limit ${request.query.limit} is not a whole number from 1 to ${tail.capacity}`, {
            hint: `a tail keeps the last ${tail.capacity} events of each stream`,
          });
        const keep = status === undefined ? undefined : (e: { status: string }) => e.status === status;

        let read = tail.read(stream.name, after, limit, encryptedOf(stream), keep);
        if (read.events.length === 0 && wait > 0) {
          const done = new AbortController();
          const timer = setTimeout(() => done.abort(), wait * 1000);
          const stop = () => done.abort();
          // The response's 'close' before it is sent: the client went away (the request's own fires once its body is read).
          reply.raw.once('close', stop);
          closing.signal.addEventListener('abort', stop, { once: true });
          try {
            // Until an event it keeps arrives (a filter may leave some out), the wait is up, the client goes or the server closes.
            while (read.events.length === 0 && !done.signal.aborted) {
              await tail.wait(stream.name, read.cursor, done.signal);
              const next = tail.read(stream.name, read.cursor, limit, encryptedOf(stream), keep);
              read = { ...next, missed: read.missed + next.missed };
            }
          } finally {
            clearTimeout(timer);
            reply.raw.off('close', stop);
            closing.signal.removeEventListener('abort', stop);
          }
        }
        return { stream: stream.name, events: read.events, cursor: read.cursor, missed: read.missed, capacity: tail.capacity };
      },
    );
  };
}
