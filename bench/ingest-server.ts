/**
 * Pond's collector for the ingest benchmark, in its own process: the platform
 * `pond up` serves (buffer, lander, HTTP server) on the project given as the
 * first argument, on a free port. Prints `ready <url>`, stops on SIGTERM or
 * when its stdin closes.
 *
 * Commands on stdin, one per line, for the freshness measurement:
 * - `watch <messageId>`: report when that event is visible, i.e. when the
 *   lander's commit that makes it part of the current raw version of
 *   `events` is in the state store. Polls `landedMessages` (written in that
 *   same transaction) every POLL_MS while something is watched, and prints
 *   `visible <messageId> <epoch ms>` once found.
 * - `stats`: prints `stats <json>`: what the lander did so far, records not
 *   yet landed, and the event loop's delay (p99, max) since the last `stats`
 *   (the lander shares the loop with the HTTP server).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { openContext } from '../src/cli/context.ts';
import { startPlatform } from '../src/serve/index.ts';

const POLL_MS = 10;
const STREAM = 'events';

const project = process.argv[2];
if (!project) throw new Error('usage: node --import tsx bench/ingest-server.ts <project dir>');

const ctx = await openContext({ project });
const landed = { batches: 0, records: 0, duplicates: 0, deadLetters: 0, landMs: 0, maxLandMs: 0, failures: 0, firstAt: 0, lastAt: 0 };
const platform = await startPlatform({
  ctx,
  port: 0,
  onLanded: (s) => {
    const now = Date.now();
    landed.batches++;
    landed.records += s.records;
    landed.duplicates += s.duplicates;
    landed.deadLetters += s.deadLetters;
    landed.landMs += s.ms;
    landed.maxLandMs = Math.max(landed.maxLandMs, s.ms);
    if (landed.firstAt === 0) landed.firstAt = now;
    landed.lastAt = now;
  },
  onLandFailed: (error, retryInMs) => {
    landed.failures++;
    process.stderr.write(`landing failed (retry in ${retryInMs} ms): ${error.message}\n`);
  },
});

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const watched = new Set<string>();
let polling = false;
const poller = setInterval(() => {
  if (polling || watched.size === 0) return;
  polling = true;
  ctx.state
    .landedMessages(STREAM, [...watched])
    .then((found) => {
      const now = Date.now();
      for (const id of found) {
        watched.delete(id);
        process.stdout.write(`visible ${id} ${now}\n`);
      }
    })
    .catch((error: Error) => process.stderr.write(`watch poll failed: ${error.message}\n`))
    .finally(() => (polling = false));
}, POLL_MS);

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const [command, argument] = line.trim().split(/\s+/, 2);
    if (command === 'watch' && argument) watched.add(argument);
    else if (command === 'stats') {
      const loop = { loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 };
      loopDelay.reset();
      process.stdout.write(`stats ${JSON.stringify({ ...landed, ...loop, pending: platform.lander.pending(), buffer: platform.log.stats() })}\n`);
    }
  })
  .once('close', () => void stop());

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(poller);
  await platform.close();
  await ctx.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());

process.stdout.write(`ready ${platform.url}\n`);
