/**
 * Benchmark 4, ingestion: Pond's HTTP collector (`POST /v1/streams/events/events`,
 * NDJSON, 200 once every event is fsynced in the buffer) against a bare
 * `node:http` server that only reads and parses the same bodies
 * (bench/bare-http-server.ts, "the ceiling for Node"). Each server runs in its
 * own child process; the load comes from this one.
 *
 * Measured: batches of 100 events (~300 B each) and single events at each
 * connection count, Pond and baseline, closed loop with autocannon (as fast as
 * the server answers); Pond's batch latency at half its best batch throughput,
 * open loop at a steady rate (paced-load.ts); and freshness, from the 200 to
 * the event being part of the current raw version (the lander's commit),
 * under a steady fifth of it.
 *
 * Every event has its own messageId (autocannon's `[<id>]`, one per request,
 * plus the event's index in the batch), so the lander lands every event
 * instead of dropping repeats. Each Pond measurement gets a fresh project
 * (empty buffer, lake and state) under bench/.work/ingest-*.
 *
 * Env: BENCH_SECONDS (per measurement, default 10), BENCH_CONNECTIONS
 * (default "16,64"), BENCH_PROFILE=1 (CPU profiles of the Pond server into
 * bench/.work/ingest-profiles).
 */
import { request as httpRequest, Agent } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { fmt, log, WORK } from './lib.ts';
import { pacedLoad } from './paced-load.ts';
import { ServerProcess } from './server-process.ts';
import { COLLECT_EVENTS_SCHEMA } from '../test/helpers/collect-project.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '16,64').split(',').map(Number);
const PROFILE = process.env.BENCH_PROFILE === '1';
const BATCH = 100;
const EVENT_BYTES = 300;
const WRITE_KEY = 'app-key-0123456789';
const PATH = '/v1/streams/events/events';
const HEADERS = { 'content-type': 'application/x-ndjson', 'x-pond-write-key': WRITE_KEY };
/** autocannon puts a 33-character id in place of each `[<id>]`. */
const ID = '[<id>]';
const ID_LENGTH = 33;
const MARKER_EVERY_MS = 200;
const FRESHNESS_WAIT_MS = 15_000;

/** The collect test project's `events` stream and `app` source, with Pond's default buffer and land settings. */
function makeIngestProject(name: string): string {
  const dir = path.join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'pipelines'), { recursive: true });
  mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  writeFileSync(
    path.join(dir, 'pond.config.ts'),
    `import { defineConfig } from 'pond';
export default defineConfig({
  name: '${name}',
  concurrency: 2,
  collect: { host: '127.0.0.1', sources: { app: { writeKey: '${WRITE_KEY}', streams: ['events'] } } },
});
`,
  );
  writeFileSync(path.join(dir, 'schemas', 'events.json'), COLLECT_EVENTS_SCHEMA);
  writeFileSync(
    path.join(dir, 'pipelines', 'streams.ts'),
    `import { stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '1m', start: '2020-01-01' });
`,
  );
  return dir;
}

let seed = 7;
const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
const PAGES = ['/', '/products/blue-running-shoes', '/cart', '/checkout/shipping', '/checkout/confirm', '/search?q=rain+jacket'];

/** One NDJSON line of ~EVENT_BYTES once autocannon has put its id in; event time within the last hour. */
function eventLine(messageId: string, userId: string, at = Date.now()): string {
  const event = {
    messageId,
    user_id: userId,
    time_utc: new Date(at - Math.floor(rnd() * 3_000_000)).toISOString(),
    amount: Math.round(rnd() * 100_000) / 100,
    event: 'checkout_step',
    sku: `sku-${String(Math.floor(rnd() * 10_000)).padStart(5, '0')}`,
    page: PAGES[Math.floor(rnd() * PAGES.length)],
    session_id: `s-${Math.floor(rnd() * 2 ** 40).toString(16)}`,
    browser: 'Chrome/131.0 (X11; Linux x86_64)',
    pad: '',
  };
  const size = (e: typeof event) => Buffer.byteLength(JSON.stringify(e).replaceAll(ID, 'x'.repeat(ID_LENGTH))) + 1;
  event.pad = 'p'.repeat(Math.max(0, EVENT_BYTES - size(event)));
  return `${JSON.stringify(event)}\n`;
}

interface Body {
  readonly text: string;
  readonly events: number;
}

const batchBody: Body = {
  text: Array.from({ length: BATCH }, (_, i) => eventLine(`${ID}-${String(i).padStart(2, '0')}`, `u${Math.floor(rnd() * 100_000)}`)).join(''),
  events: BATCH,
};
const singleBody: Body = { text: eventLine(`${ID}-s`, `u${Math.floor(rnd() * 100_000)}`), events: 1 };
/** Bytes as sent, ids put in. */
const sentBytes = (body: Body) => Buffer.byteLength(body.text.replaceAll(ID, 'x'.repeat(ID_LENGTH)));

interface Load {
  /** 2xx answers per second. */
  readonly rps: number;
  readonly eventsPerS: number;
  readonly ok: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
  readonly statuses: string;
}

async function load(url: string, body: Body, connections: number, seconds: number, overallRate?: number): Promise<Load> {
  const result: Result = await autocannon({
    url: `${url}${PATH}`,
    method: 'POST',
    headers: HEADERS,
    body: body.text,
    idReplacement: true,
    connections,
    duration: seconds,
    overallRate,
    timeout: 10,
  });
  const events = body.events;
  const ok = result['2xx'];
  const failed = result.non2xx + result.errors + result.timeouts;
  const statuses = Object.entries(result.statusCodeStats)
    .map(([code, s]) => `${code}×${s.count}`)
    .join(' ');
  return {
    rps: ok / result.duration,
    eventsPerS: (ok * events) / result.duration,
    ok,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed,
    statuses: `${statuses}${result.errors ? ` errors×${result.errors}` : ''}${result.timeouts ? ` timeouts×${result.timeouts}` : ''}`,
  };
}

interface LanderStats {
  readonly records: number;
  readonly batches: number;
  readonly landMs: number;
  readonly maxLandMs: number;
  readonly pending: number;
  readonly failures: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/** How the Pond server fared during a load: landing rate, backlog left, event-loop stalls. */
interface ServerSide {
  readonly landedPerS: number;
  readonly pendingAfter: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

type Measured = Load & { server?: ServerSide };

async function landerStats(server: ServerProcess): Promise<LanderStats> {
  return JSON.parse(await server.ask('stats', 'stats')) as LanderStats;
}

const int = (x: number) => Math.round(x).toLocaleString('en');

let pondRuns = 0;
/** A Pond server on a fresh project, in a child process, for the span of `fn`. */
async function withPond<T>(fn: (server: ServerProcess) => Promise<T>): Promise<T> {
  const dir = makeIngestProject(`ingest-${++pondRuns}`);
  const profiles = path.join(WORK, 'ingest-profiles');
  if (PROFILE) mkdirSync(profiles, { recursive: true });
  const server = await ServerProcess.start({
    script: 'bench/ingest-server.ts',
    args: [dir],
    nodeFlags: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`] : [],
  });
  try {
    return await fn(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A warm-up, then the measured load; for Pond, what the server side did meanwhile. */
async function measure(server: ServerProcess, body: Body, connections: number, pond: boolean, overallRate?: number): Promise<Measured> {
  await load(server.url, body, connections, WARMUP_SECONDS, overallRate);
  const before = pond ? await landerStats(server) : undefined;
  const result = await load(server.url, body, connections, SECONDS, overallRate);
  if (!before) return result;
  const after = await landerStats(server);
  if (after.failures > 0) log(`  ! ${after.failures} landing failures`);
  return {
    ...result,
    server: {
      landedPerS: (after.records - before.records) / SECONDS,
      pendingAfter: after.pending,
      loopDelayP99Ms: after.loopDelayP99Ms,
      loopDelayMaxMs: after.loopDelayMaxMs,
    },
  };
}

let pacedRuns = 0;
/** The batch body at a steady `rate` (open loop, see paced-load.ts), its ids made unique per request. */
async function paced(url: string, rate: number, seconds: number, maxSockets: number): Promise<Load> {
  const tag = `p${++pacedRuns}${Date.now().toString(36)}`;
  const r = await pacedLoad({
    url: `${url}${PATH}`,
    headers: HEADERS,
    body: (i) => batchBody.text.replaceAll(ID, `${tag}-${String(i).padStart(ID_LENGTH - tag.length - 1, '0')}`),
    rate,
    seconds,
    maxSockets,
  });
  return {
    rps: r.okPerS,
    eventsPerS: r.okPerS * BATCH,
    ok: r.ok,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    failed: r.failed,
    statuses: `2xx×${r.ok}${r.failed ? ` failed×${r.failed}` : ''}, max ${int(Math.max(...r.latencies))} ms`,
  };
}

/** `measure` at a steady rate instead of as fast as the server answers. */
async function measurePaced(server: ServerProcess, rate: number, maxSockets: number): Promise<Measured> {
  await paced(server.url, rate, WARMUP_SECONDS, maxSockets);
  const before = await landerStats(server);
  const result = await paced(server.url, rate, SECONDS, maxSockets);
  const after = await landerStats(server);
  return {
    ...result,
    server: {
      landedPerS: (after.records - before.records) / SECONDS,
      pendingAfter: after.pending,
      loopDelayP99Ms: after.loopDelayP99Ms,
      loopDelayMaxMs: after.loopDelayMaxMs,
    },
  };
}

function describe(what: string, r: Measured): string {
  const s = r.server;
  const side = s
    ? `; lander ${int(s.landedPerS)} events/s, ${int(s.pendingAfter)} pending at the end; event loop delay p99 ${int(s.loopDelayP99Ms)} ms, max ${int(s.loopDelayMaxMs)} ms`
    : '';
  return `${what}: ${int(r.rps)} req/s = ${int(r.eventsPerS)} events/s, p50 ${fmt(r.p50)} ms p99 ${fmt(r.p99)} ms [${r.statuses}]${side}`;
}

/** Marked single events at a steady pace beside a background load; ms from each 200 to the commit that makes it visible. */
async function freshness(server: ServerProcess, backgroundRate: number): Promise<{ samples: number[]; missing: number; background: Load }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const answered = new Map<string, number>();
  const visible = new Map<string, number>();
  const off = server.onLine((line) => {
    const [kind, id, at] = line.split(' ');
    if (kind === 'visible' && id && at) visible.set(id, Number(at));
  });
  const post = (id: string) =>
    new Promise<void>((resolve) => {
      const body = eventLine(id, id);
      const req = httpRequest(`${server.url}${PATH}`, { method: 'POST', agent, headers: { ...HEADERS, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume().once('end', () => {
          if (res.statusCode === 200) answered.set(id, Date.now());
          resolve();
        });
      });
      req.once('error', () => resolve());
      req.end(body);
    });
  try {
    const run = `${Date.now().toString(36)}`;
    const background = paced(server.url, backgroundRate, SECONDS, 16);
    const sent: Promise<void>[] = [];
    const end = Date.now() + SECONDS * 1000;
    for (let n = 0; Date.now() < end; n++) {
      const id = `marker-${run}-${n}`;
      server.send(`watch ${id}`); // before sending: the server cannot miss a landing that comes before the 200
      sent.push(post(id));
      await new Promise((r) => setTimeout(r, MARKER_EVERY_MS));
    }
    const backgroundLoad = await background;
    await Promise.all(sent);
    const deadline = Date.now() + FRESHNESS_WAIT_MS;
    while ([...answered.keys()].some((id) => !visible.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const samples: number[] = [];
    let missing = 0;
    for (const [id, at] of answered) {
      const seen = visible.get(id);
      if (seen === undefined) missing++;
      else samples.push(seen - at);
    }
    return { samples, missing: missing + (sent.length - answered.size), background: backgroundLoad };
  } finally {
    off();
    agent.destroy();
  }
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

export async function run(): Promise<Record<string, number>> {
  const started = Date.now();
  log(`== ingest: POST ${PATH} (NDJSON), ${SECONDS} s per measurement after ${WARMUP_SECONDS} s warm-up, connections ${CONNECTIONS.join(', ')}`);
  log(`batch body ${(sentBytes(batchBody) / 1000).toFixed(1)} kB (${BATCH} events), single ${sentBytes(singleBody)} B; every event has its own messageId`);

  type Pair = { baseline: Measured; pond: Measured };
  const batches = new Map<number, Pair>();
  const singles = new Map<number, Pair>();
  const baseline = await ServerProcess.start({ script: 'bench/bare-http-server.ts' });
  try {
    for (const [kind, body, into] of [
      ['batch', batchBody, batches],
      ['single', singleBody, singles],
    ] as const) {
      for (const c of CONNECTIONS) {
        const base = await measure(baseline, body, c, false);
        log(describe(`baseline ${kind} c=${c}`, base));
        const pond = await withPond((server) => measure(server, body, c, true));
        log(describe(`pond     ${kind} c=${c}`, pond));
        into.set(c, { baseline: base, pond });
      }
    }
  } finally {
    await baseline.stop();
  }

  const [bestC, bestBatch] = [...batches.entries()].reduce((a, b) => (b[1].pond.rps > a[1].pond.rps ? b : a));
  const halfRate = Math.max(1, Math.round(bestBatch.pond.rps / 2));
  const latency = await withPond((server) => measurePaced(server, halfRate, bestC));
  log(describe(`pond batch at half load (${int(halfRate)} req/s paced, up to ${bestC} in flight)`, latency));

  const fifthRate = Math.max(1, Math.round(bestBatch.pond.rps / 5));
  const fresh = await withPond(async (server) => {
    await paced(server.url, fifthRate, WARMUP_SECONDS, 16);
    return await freshness(server, fifthRate);
  });
  const f = fresh.samples;
  if (f.length === 0) throw new Error(`freshness: none of the markers was answered 200 and then seen landed (${fresh.missing} missing)`);
  log(describe(`pond freshness background (${int(fifthRate)} req/s paced)`, fresh.background));
  log(
    `pond freshness, 200 → visible: ${f.length} markers, p50 ${int(percentile(f, 50))} ms, p95 ${int(percentile(f, 95))} ms, max ${int(Math.max(...f))} ms, min ${int(Math.min(...f))} ms${fresh.missing ? `, ${fresh.missing} not visible within ${FRESHNESS_WAIT_MS / 1000} s of the end` : ''}`,
  );

  // Summary.
  const ratio = (p: number, b: number) => `${fmt(p / b, 2)}×`;
  log('');
  log('| measurement | connections | baseline (bare node:http) | Pond | Pond / baseline | target |');
  log('|---|---|---|---|---|---|');
  for (const [c, { baseline: b, pond: p }] of batches) {
    log(
      `| batches of ${BATCH}, events/s | ${c} | ${int(b.eventsPerS)} | ${int(p.eventsPerS)} | ${ratio(p.eventsPerS, b.eventsPerS)} | ≥ 100,000 ${p.eventsPerS >= 100_000 ? 'met' : 'NOT met'} |`,
    );
  }
  for (const [c, { baseline: b, pond: p }] of singles) {
    log(`| single events, req/s | ${c} | ${int(b.rps)} | ${int(p.rps)} | ${ratio(p.rps, b.rps)} | ≥ 10,000 ${p.rps >= 10_000 ? 'met' : 'NOT met'} |`);
  }
  log(
    `| batch latency at ${int(halfRate)} req/s = ${int(halfRate * BATCH)} events/s paced (half of Pond's best), p50 / p99 ms | ≤ ${bestC} in flight | — | ${fmt(latency.p50)} / ${fmt(latency.p99)} | — | — |`,
  );
  log(
    `| freshness 200 → visible at ${int(fifthRate * BATCH)} events/s paced, p50 / p95 / max ms | ≤ 16 in flight + markers | — | ${int(percentile(f, 50))} / ${int(percentile(f, 95))} / ${int(Math.max(...f))} | — | p95 ≤ 5,000 ${percentile(f, 95) <= 5000 ? 'met' : 'NOT met'} |`,
  );
  log(`total ${fmt((Date.now() - started) / 1000)} s`);

  const out: Record<string, number> = {};
  for (const [c, { baseline: b, pond: p }] of batches) {
    out[`batchBaselineEventsPerS_c${c}`] = b.eventsPerS;
    out[`batchPondEventsPerS_c${c}`] = p.eventsPerS;
    out[`batchRatio_c${c}`] = p.eventsPerS / b.eventsPerS;
  }
  for (const [c, { baseline: b, pond: p }] of singles) {
    out[`singleBaselineRps_c${c}`] = b.rps;
    out[`singlePondRps_c${c}`] = p.rps;
    out[`singleRatio_c${c}`] = p.rps / b.rps;
  }
  Object.assign(out, {
    halfLoadRps: halfRate,
    halfLoadP50Ms: latency.p50,
    halfLoadP99Ms: latency.p99,
    freshnessP50Ms: percentile(f, 50),
    freshnessP95Ms: percentile(f, 95),
    freshnessMaxMs: Math.max(...f),
    freshnessMissing: fresh.missing,
  });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
