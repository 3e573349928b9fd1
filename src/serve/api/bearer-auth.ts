/**
 * Who may call the data API: bearer tokens from `api.tokens` (and
 * `POND_API_TOKEN`). Without tokens the API is open, which Pond allows only
 * when the server listens on loopback: on any other address it refuses to
 * start rather than serve the lake to the network.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PondError } from '../../errors/index.ts';
import type { ErrorAnswer } from './answers/index.ts';

/** Whether a listen address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Throws (exit 2) when the API would be open on a non-loopback address.
 *
 * @example
 * assertApiExposure('127.0.0.1', []); // fine: only this machine can call it
 * assertApiExposure('0.0.0.0', []); // throws BAD_ARGUMENT
 */
export function assertApiExposure(host: string, tokens: readonly string[]): void {
  if (tokens.length > 0 || isLoopback(host)) return;
  throw new PondError(
    'BAD_ARGUMENT',
    `the server would listen on ${host}, which is not loopback, and no API token is declared: the data API (/api, /metrics) would be open to the network`,
    {
      where: 'pond.config.ts: api.tokens',
      hint: 'set POND_API_TOKEN (16+ characters, e.g. `openssl rand -hex 24`) or api.tokens in pond.config.ts, or listen on 127.0.0.1 (collect.host)',
    },
  );
}

/** A fastify `onRequest` hook that answers 401 unless the request carries one of the tokens; lets everything through when there are none. */
export function bearerAuth(tokens: readonly string[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  // Compared as digests: equal lengths for timingSafeEqual, and the time does not depend on where a guess differs.
  const digests = tokens.map(digest);
  return async (request, reply) => {
    if (digests.length === 0) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="pond"')
        .send({
          error:
            header === undefined
              ? 'this endpoint needs a token: send Authorization: Bearer <token> (a token of api.tokens or POND_API_TOKEN)'
              : 'the Authorization header is not "Bearer <token>"',
        } satisfies ErrorAnswer);
      return;
    }
    const given = digest(match[1] as string);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    if (!ok)
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="pond", error="invalid_token"')
        .send({ error: 'the bearer token is not one of the API tokens' } satisfies ErrorAnswer);
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
