/**
 * `pond send STREAM FILE`: sends a file of events (NDJSON, or a JSON array)
 * through a running collector's HTTP API — the path real clients take —
 * with a progress bar and a summary of what was accepted, dead-lettered or
 * refused. The URL and write key default to the project's config; a stream
 * that a source fills through the Segment API is sent as Segment calls.
 *
 * Each event is sent with a messageId made of the file's content identity
 * and its line (its index in a JSON array), so a retried request, and the
 * same file sent twice, land once (see collect/message-ids.ts). A line that
 * is not JSON is not sent, and is reported by its number; the rest is.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { splitBody } from '../../collect/index.ts';
import { loadProject, type Project } from '../../config/index.ts';
import { readHead } from '../../land/index.ts';
import { didYouMean, PondError } from '../../errors/index.ts';
import { accessFor, checkCollector, EventSender } from '../event-sender.ts';
import { projectDir, type GlobalOptions } from '../context.ts';
import { printJson, Progress } from '../output.ts';

export async function sendCommand(
  stream: string,
  file: string,
  options: GlobalOptions & { url?: string; key?: string; batch?: string; concurrency?: string; segment?: boolean },
): Promise<number> {
  let { url, key } = options;
  let segment = options.segment === true;
  if (url === undefined || key === undefined) {
    const project = await loadProject(projectDir(options));
    knownStream(project, stream);
    url ??= `http://${project.collect.host === '0.0.0.0' ? '127.0.0.1' : project.collect.host}:${project.collect.port}`;
    if (key === undefined) {
      const access = accessFor(project, stream, { segmentOnly: segment });
      if (!access)
        throw new PondError('BAD_ARGUMENT', `no source in ${project.configFile} may write stream "${stream}"`, {
          hint: 'pass --key, or add the stream to a source under collect.sources',
        });
      key = access.writeKey;
      segment = access.segment;
    }
  }
  url = url.replace(/\/$/, '');
  const size = await stat(file)
    .then((s) => s.size)
    .catch(() => {
      throw new PondError('BAD_ARGUMENT', `file ${file} does not exist`);
    });
  // Before reading the file: with no collector there, say so now rather than after a minute of retries.
  await checkCollector(url);
  const head = (await readHead(file)).trimStart();
  const array = head.startsWith('[');
  const sender = new EventSender({
    url,
    stream,
    writeKey: key,
    segment,
    batchEvents: options.batch ? Number(options.batch) : undefined,
    concurrency: options.concurrency ? Number(options.concurrency) : undefined,
    idempotencyKey: await contentIdentity(file),
    numbering: array ? 'index' : 'line',
  });
  const progress = new Progress(`sending ${stream}`);
  const started = Date.now();
  let bytes = 0;
  let notJson = 0;
  if (array) {
    let events;
    try {
      // Each event as written in the file (not re-encoded: `1e400` and long numbers stay as they are).
      events = splitBody(await readFile(file), { format: 'json-array', maxEventBytes: Number.MAX_SAFE_INTEGER, maxDepth: 1_000 }).events;
    } catch (error) {
      throw new PondError('BAD_INPUT', `${file} is not a JSON array: ${(error as Error).message}`, {
        hint: 'fix the array, or send NDJSON (one event per line): a line that is not JSON is then skipped and reported, and the rest is sent',
      });
    }
    for (const e of events) await sender.add(e.raw, e.index);
  } else {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let number = 0;
    for await (const line of lines) {
      number++;
      bytes += Buffer.byteLength(line) + 1;
      if (line.trim() === '') continue;
      try {
        JSON.parse(line);
      } catch (error) {
        // The collector would refuse the whole request for it: it is left out, and reported.
        notJson++;
        sender.note(`line ${number}: not JSON (${(error as Error).message}); not sent`);
        continue;
      }
      await sender.add(line, number);
      progress.update(Math.min(bytes, size), size, `${sender.totals.events} events`);
    }
  }
  const totals = await sender.finish();
  progress.done();
  const seconds = (Date.now() - started) / 1000;
  if (options.json) {
    printJson({ ...totals, notJson, seconds, url });
  } else {
    console.log(
      `Sent ${totals.events} events to ${url} in ${seconds.toFixed(1)} s (${Math.round(totals.events / Math.max(seconds, 0.001))}/s, ${totals.requests} requests, ${totals.retries} retried).`,
    );
    const skipped = notJson > 0 ? `, ${notJson} line${notJson === 1 ? '' : 's'} not sent (not JSON)` : '';
    console.log(`  ${totals.accepted} accepted into ${stream}, ${totals.deadLettered} to the dead letters, ${totals.refused} refused${skipped}.`);
    for (const r of totals.reasons.slice(0, 10)) console.log(`  ${r}`);
    if (totals.reasons.length > 10) console.log(`  … (the first 10 of ${totals.reasons.length >= 20 ? '20 or more' : totals.reasons.length})`);
  }
  return totals.refused > 0 || notJson > 0 ? 1 : 0;
}

/** Throws NOT_FOUND, with the nearest name, when the project has no such stream. */
function knownStream(project: Project, stream: string): void {
  if (project.streams.has(stream)) return;
  const names = [...project.streams.keys()];
  throw new PondError('NOT_FOUND', `no such stream "${stream}" in ${project.configFile}${didYouMean(stream, names)}`, {
    hint: `streams: ${names.join(', ') || '(none)'}`,
  });
}

/**
 * The file's content identity, as the key of its events' ids: the same bytes
 * give the same ids wherever the file lies and whatever it is called; a file
 * that changed is a new one.
 */
async function contentIdentity(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `pond-send-${hash.digest('hex').slice(0, 24)}`;
}
