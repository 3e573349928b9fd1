/**
 * `pond send STREAM FILE`: sends a file of events (NDJSON, or a JSON array)
 * through a running collector's HTTP API — the path real clients take —
 * with a progress bar and a summary of what was accepted, dead-lettered or
 * refused. The URL and write key default to the project's config; a stream
 * that a source fills through the Segment API is sent as Segment calls.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { loadProject } from '../../config/index.ts';
import { readHead } from '../../land/index.ts';
import { PondError } from '../../errors/index.ts';
import { accessFor, EventSender } from '../event-sender.ts';
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
  const size = await stat(file)
    .then((s) => s.size)
    .catch(() => {
      throw new PondError('BAD_ARGUMENT', `file ${file} does not exist`);
    });
  const sender = new EventSender({
    url: url.replace(/\/$/, ''),
    stream,
    writeKey: key,
    segment,
    batchEvents: options.batch ? Number(options.batch) : undefined,
    concurrency: options.concurrency ? Number(options.concurrency) : undefined,
  });
  const progress = new Progress(`sending ${stream}`);
  const started = Date.now();
  let bytes = 0;
  const head = (await readHead(file)).trimStart();
  if (head.startsWith('[')) {
    const events = JSON.parse(await readFile(file, 'utf8')) as unknown[];
    for (const e of events) await sender.add(JSON.stringify(e));
  } else {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      bytes += Buffer.byteLength(line) + 1;
      if (line.trim() === '') continue;
      await sender.add(line);
      progress.update(Math.min(bytes, size), size, `${sender.totals.events} events`);
    }
  }
  const totals = await sender.finish();
  progress.done();
  const seconds = (Date.now() - started) / 1000;
  if (options.json) {
    printJson({ ...totals, seconds, url });
  } else {
    console.log(
      `Sent ${totals.events} events to ${url} in ${seconds.toFixed(1)} s (${Math.round(totals.events / Math.max(seconds, 0.001))}/s, ${totals.requests} requests, ${totals.retries} retried).`,
    );
    console.log(`  ${totals.accepted} accepted into ${stream}, ${totals.deadLettered} to the dead letters, ${totals.refused} refused.`);
    for (const r of totals.reasons.slice(0, 10)) console.log(`  ${r}`);
  }
  return totals.refused > 0 ? 1 : 0;
}
