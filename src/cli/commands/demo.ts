/**
 * `pond demo`: fills a project's streams with realistic events from the
 * project's own generator (`generator/generate.ts`, as in examples/shop), for
 * a time range; `pond up --demo` also keeps sending live events.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Project } from '../../config/index.ts';
import { PondError } from '../../errors/index.ts';
import { loadFile, type LandContext } from '../../land/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { accessFor, postEvents } from '../event-sender.ts';
import { printJson } from '../output.ts';
import { parseTime } from './parse-time.ts';

interface Generator {
  writeNdjsonFiles(
    dir: string,
    options: { from: Date; to: Date; eventsPerHour?: number; seed?: number },
  ): Promise<{ files: Record<string, string> | string[] }>;
  generateEvents(options: {
    from: Date;
    to: Date;
    eventsPerHour?: number;
    seed?: number;
    lateFraction?: number;
    malformedFraction?: number;
  }): Iterable<{ stream: string; event: unknown }>;
}

export async function loadGenerator(project: Project): Promise<Generator> {
  const file = path.join(project.dir, 'generator', 'generate.ts');
  if (!existsSync(file))
    throw new PondError('BAD_ARGUMENT', `this project has no generator (${path.relative(process.cwd(), file)})`, {
      hint: 'pond demo works on projects with generator/generate.ts, such as examples/shop',
    });
  return (await import(pathToFileURL(file).href)) as Generator;
}

export async function demoCommand(options: GlobalOptions & { from?: string; to?: string; eventsPerHour?: string; seed?: string }): Promise<number> {
  const ctx = await openContext(options);
  try {
    const to = options.to ? parseTime(options.to, '--to') : Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const from = options.from ? parseTime(options.from, '--from') : to - 48 * 3_600_000;
    const summaries = await backfill(ctx, ctx.project, from, to, Number(options.eventsPerHour ?? 200), Number(options.seed ?? 1));
    if (options.json) printJson(summaries);
    else for (const s of summaries) console.log(`${s.stream}: ${s.accepted} events landed, ${s.deadLetters} dead letters`);
    return 0;
  } finally {
    await ctx.close();
  }
}

export async function backfill(ctx: LandContext, project: Project, from: number, to: number, eventsPerHour: number, seed: number) {
  const generator = await loadGenerator(project);
  const dir = mkdtempSync(path.join(tmpdir(), 'pond-demo-'));
  try {
    await generator.writeNdjsonFiles(dir, { from: new Date(from), to: new Date(to), eventsPerHour, seed });
    const out = [];
    for (const stream of project.streams.values()) {
      const file = path.join(dir, `${stream.name}.ndjson`);
      if (!existsSync(file)) continue;
      const summary = await loadFile(ctx, stream, file);
      out.push({ stream: stream.name, accepted: summary.accepted, deadLetters: summary.deadLetters });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sends the events the generator makes for [from, to) to a running collector
 * as live traffic, with the write key of a source that may write each stream.
 */
export async function sendLive(url: string, project: Project, generator: Generator, from: number, to: number, eventsPerHour: number): Promise<number> {
  const byStream = new Map<string, string[]>();
  for (const { stream, event } of generator.generateEvents({
    from: new Date(from),
    to: new Date(to),
    eventsPerHour,
    seed: from % 100_000,
    lateFraction: 0.01,
    malformedFraction: 0.005,
  })) {
    const list = byStream.get(stream) ?? [];
    list.push(JSON.stringify(event));
    byStream.set(stream, list);
  }
  let sent = 0;
  for (const [name, lines] of byStream) {
    for (let i = 0; i < lines.length; i += 200) {
      const chunk = lines.slice(i, i + 200);
      const access = accessFor(project, name);
      if (!access) throw new PondError('BAD_ARGUMENT', `no source may write stream "${name}"`, { hint: 'declare one under collect.sources in pond.config.ts' });
      const response = await postEvents(url, name, access, chunk);
      if (response.status !== 200)
        throw new PondError('STORAGE_UNAVAILABLE', `the collector answered ${response.status} for ${name}: ${await response.text()}`);
      sent += chunk.length;
    }
  }
  return sent;
}
