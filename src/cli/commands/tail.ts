/**
 * `pond tail STREAM`: the last events a running collector received for a
 * stream, accepted and dead-lettered, with each one's verdict — and with
 * `--follow`, the events as they arrive (a long-poll of
 * `GET /api/streams/:name/tail`). Personal values show masked, as the data
 * API serves them.
 */
import { loadProject } from '../../config/index.ts';
import { didYouMean, PondError } from '../../errors/index.ts';
import type { TailEntry, TailRead } from '../../collect/index.ts';
import { checkCollector } from '../event-sender.ts';
import { projectDir, type GlobalOptions } from '../context.ts';

/** How long one request of `--follow` waits for events, in seconds. */
const FOLLOW_WAIT_SECONDS = 25;

export async function tailCommand(
  stream: string,
  options: GlobalOptions & { url?: string; token?: string; limit?: string; status?: string; follow?: boolean },
): Promise<number> {
  let { url, token } = options;
  token ??= process.env.POND_API_TOKEN;
  if (url === undefined || token === undefined) {
    const project = await loadProject(projectDir(options));
    if (!project.streams.has(stream)) {
      const names = [...project.streams.keys()];
      throw new PondError('NOT_FOUND', `no such stream "${stream}" in ${project.configFile}${didYouMean(stream, names)}`, {
        hint: `streams: ${names.join(', ') || '(none)'}`,
      });
    }
    url ??= `http://${project.collect.host === '0.0.0.0' ? '127.0.0.1' : project.collect.host}:${project.collect.port}`;
    token ??= project.api.tokens[0];
  }
  url = url.replace(/\/$/, '');
  if (options.status !== undefined && options.status !== 'accepted' && options.status !== 'dead-letter')
    throw new PondError('BAD_ARGUMENT', `--status ${options.status} is not accepted or dead-letter`);
  await checkCollector(url);
  const query = new URLSearchParams();
  if (options.limit !== undefined) query.set('limit', options.limit);
  if (options.status !== undefined) query.set('status', options.status);
  let cursor: string | undefined;
  for (;;) {
    if (cursor !== undefined) {
      query.set('after', cursor);
      query.set('wait', String(FOLLOW_WAIT_SECONDS));
    }
    const response = await fetch(`${url}/api/streams/${encodeURIComponent(stream)}/tail?${query}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    // The answer is the data API's StreamTail: a TailRead of TailEntry (its TailEvent), with the stream's name.
    const body = (await response.json().catch(() => ({}))) as Partial<TailRead> & { error?: string; hint?: string };
    if (response.status !== 200)
      throw new PondError(response.status === 404 ? 'NOT_FOUND' : 'BAD_ARGUMENT', `${url} answered ${response.status}: ${body.error ?? ''}`, {
        hint: body.hint ?? (response.status === 401 ? 'pass --token, or set POND_API_TOKEN' : undefined),
      });
    const tail = body as TailRead;
    if (tail.missed > 0) console.log(`(${tail.missed} events came and went before they could be shown)`);
    for (const e of tail.events) console.log(options.json ? JSON.stringify(e) : line(e));
    if (!options.follow) return 0;
    cursor = tail.cursor;
  }
}

/** One event on one line: receipt, verdict, id, source, then the reason or the event (cut to a line). */
function line(e: TailEntry): string {
  const what = e.status === 'dead-letter' ? `${e.reason ?? ''}  ${e.event === null ? '' : JSON.stringify(e.event)}` : JSON.stringify(e.event);
  const text = `${e.receivedAt}  ${e.status === 'accepted' ? 'accepted   ' : 'dead letter'}  ${e.messageId}  ${e.source}  ${what}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
