/**
 * `pond load`: appends the events of a file to a stream through the same
 * routing and landing the collector uses. Large files are read in chunks, each
 * landed as one batch.
 */
import { createReadStream } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import type { StreamModel } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import { landBatches, type LandContext, type LandResult } from './land-batch.ts';
import { parseEvents, type ParsedEvent } from './parse-events.ts';
import { routeEvents } from './route-events.ts';

export interface LoadSummary {
  readonly file: string;
  readonly events: number;
  readonly accepted: number;
  readonly deadLetters: number;
  /** Raw partitions that got a new version. */
  readonly partitions: number;
  readonly reasons: readonly string[];
  /** Raw versions the stream's `error` checks kept out of use. */
  readonly quarantined: LandResult['quarantined'];
  /** Events whose personal data was dropped: they name no data subject, or a forgotten one. */
  readonly withheld: number;
  /** Events of forgotten subjects left out (policy 'drop'). */
  readonly dropped: number;
}

export async function loadFile(
  ctx: LandContext,
  stream: StreamModel,
  file: string,
  options: { chunkSize?: number; now?: () => number; onProgress?: (events: number) => void } = {},
): Promise<LoadSummary> {
  const chunkSize = options.chunkSize ?? 250_000;
  const now = options.now ?? Date.now;
  const source = path.basename(file);
  const touched = new Set<string>();
  const reasons: string[] = [];
  const quarantined: Array<LandResult['quarantined'][number]> = [];
  let events = 0;
  let accepted = 0;
  let dead = 0;
  let withheld = 0;
  let dropped = 0;
  const land = async (batch: ParsedEvent[]) => {
    const receivedAt = now();
    const routed = routeEvents(stream, batch, source, receivedAt);
    const result = await landBatches(ctx, [routed], receivedAt);
    events += batch.length;
    accepted += result.accepted;
    dead += result.deadLetters.length;
    withheld += result.withheld;
    dropped += result.dropped;
    for (const key of result.partitions) touched.add(key);
    for (const d of result.deadLetters) if (reasons.length < 20) reasons.push(d.reason);
    quarantined.push(...result.quarantined);
    options.onProgress?.(events);
  };
  try {
    const head = await readHead(file);
    if (head.trimStart().startsWith('[')) {
      await land(parseEvents(await readFile(file, 'utf8')));
    } else {
      let lineNo = 0;
      let pending = '';
      let pendingLines = 0;
      let firstLine = 1;
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        lineNo++;
        pending += `${line}\n`;
        pendingLines++;
        if (pendingLines >= chunkSize) {
          await land(renumber(parseEvents(pending), firstLine));
          pending = '';
          pendingLines = 0;
          firstLine = lineNo + 1;
        }
      }
      if (pendingLines > 0) await land(renumber(parseEvents(pending), firstLine));
    }
  } catch (error) {
    if (error instanceof PondError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PondError('BAD_ARGUMENT', `file ${file} does not exist`);
    throw error;
  }
  return { file, events, accepted, deadLetters: dead, partitions: touched.size, reasons, quarantined, withheld, dropped };
}

/** The first KB of a file as text: enough to tell a JSON array from NDJSON without reading the rest. */
export async function readHead(file: string): Promise<string> {
  const stream = createReadStream(file, { start: 0, end: 1023, encoding: 'utf8' });
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

/** Line numbers within a chunk → line numbers in the file. */
function renumber(events: ParsedEvent[], firstLine: number): ParsedEvent[] {
  if (firstLine === 1) return events;
  return events.map((e) => ({ ...e, position: e.position.replace(/^line (\d+)/, (_m, n: string) => `line ${Number(n) + firstLine - 1}`) }));
}
