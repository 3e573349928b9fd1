/**
 * `pond up`: the long-running platform. The HTTP collector takes events into
 * the durable buffer, the lander moves them into the lake every second or so,
 * and the orchestrator rebuilds what new data makes stale within about a
 * second. With --demo, the project's generator sends live events through the
 * collector too.
 *
 * It follows the project's files (live-project.ts): an edit stops planning at
 * once, the project loads afresh and is validated, and the collector, the
 * API, the lander, the orchestrator and the GC switch to it; builds under way
 * finish with the code they were planned for. A change that does not load
 * leaves the last good project running, and is said in the log and in
 * `GET /api/project` (the web UI shows it).
 */
import * as path from 'node:path';
import { Executor, otherCodeMessage, sleep, type BuildEvent } from '../../orchestrate/index.ts';
import { PondError } from '../../errors/index.ts';
import { startPlatform, webUiBuilt } from '../../serve/index.ts';
import { Publisher } from '../../sink/index.ts';
import { advanceForgetting, PeriodicGc } from '../../lifecycle/index.ts';
import { openContext, type Context, type GlobalOptions } from '../context.ts';
import { LiveProject } from '../live-project.ts';
import { readyLine, UpReport } from '../up-report.ts';
import { describeChange } from '../project-change.ts';
import { backfill, loadGenerator, sendLive } from './demo.ts';

export async function upCommand(options: GlobalOptions & { demo?: boolean; eventsPerHour?: string; port?: string }): Promise<number> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new PondError('BAD_ARGUMENT', `--port ${options.port} is not a port`, { hint: 'use a whole number from 0 to 65535 (0 picks a free one)' });
  }
  const ctx = await openContext(options, { validate: true });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const log = (message: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${message}`);
  // One summary line every few seconds (demo, landing, builds); failures and readiness at once.
  const report = new UpReport(log);
  // Swapped when the project is loaded again; see the hooks below.
  let gc: PeriodicGc | undefined;
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  const switches = new ProjectSwitches(ctx);
  const live = new LiveProject(ctx, {
    changed: () => switches.pause(),
    loaded: async (next, generation) => {
      const before = switches.latest.project;
      const restart = (await platform?.reload(next))?.restartNeeded ?? [];
      await gc?.stop();
      gc = new PeriodicGc(next, log);
      gc.start();
      switches.resume(next);
      log(`project loaded again (generation ${generation}): ${describeChange(before, next.project)}`);
      if (restart.length > 0) log(`changed settings that take effect at the next start of pond up: ${restart.join(', ')}`);
      for (const r of next.registeredSchemas) if (r.created) log(`schema registry: stream ${r.stream} is at schema version ${r.version} now`);
    },
    failed: (error) => {
      switches.resume();
      log(`the project's files hold a change that did not load; still running the last one that did:\n${error.describe()}`);
    },
  });
  try {
    platform = await startPlatform({
      ctx,
      port,
      onLanded: (summary) => report.landed(summary),
      onLandFailed: (error, retryInMs) => log(`landing failed, retrying in ${retryInMs} ms: ${error.message}`),
      onWarning: (message) => log(`warning: ${message}`),
      projectStatus: () => live.status(),
    });
    // Retention and the orphan sweep, every gc.interval; never fatal.
    gc = new PeriodicGc(ctx, log);
    gc.start();
    live.start();
    try {
      log(`Pond is up on project ${ctx.project.name} (${ctx.project.streams.size} streams, ${ctx.project.datasets.size} datasets). Ctrl-C stops it.`);
      log(
        webUiBuilt()
          ? `web UI on ${platform.url}/`
          : 'the web UI is not built: run `npm run build:ui` in the Pond package (npm install does), then open / on this server',
      );
      log(`collecting on ${platform.url}/v1/streams/:stream/events and the Segment API at ${platform.url}/v1/batch`);
      log(
        `data API on ${platform.url}/api (${ctx.project.api.tokens.length > 0 ? 'bearer tokens required' : 'open: loopback only, no tokens'}; ${platform.url}/api/openapi.json describes it), Prometheus metrics on ${platform.url}/metrics`,
      );
      for (const r of ctx.registeredSchemas) if (r.created) log(`schema registry: stream ${r.stream} is at schema version ${r.version} now`);
      if (platform.recoveredBytes > 0)
        log(`buffer: cut a torn tail of ${platform.recoveredBytes} bytes left by a crash (those writes were never acknowledged)`);
      if (ctx.project.collect.sources.length === 0) log('no write keys are declared (collect.sources in pond.config.ts): every event will be refused with 401');
      let demo: Promise<void> = Promise.resolve();
      if (options.demo) {
        const generator = await loadGenerator(ctx.project);
        const activity = await Promise.all([...ctx.project.streams.keys()].map((name) => ctx.state.getStreamActivity(name)));
        if (activity.every((a) => a === undefined || a.events === 0)) {
          log('demo: the lake is empty; landing the last 24 hours of generated events first');
          const end = Math.floor(Date.now() / 60_000) * 60_000;
          await backfill(ctx, ctx.project, end - 24 * 3_600_000, end, 200, 1);
        }
        const eventsPerHour = Number(options.eventsPerHour ?? 36_000);
        const someStream = [...ctx.project.streams.keys()][0] ?? 'events';
        log(
          `demo: sending about ${Math.round(eventsPerHour / 1800)} events every 2 s; they are queryable within about a second (pond --project ${path.relative(process.cwd(), ctx.project.dir) || '.'} query "select count(*) from ${someStream}"), and datasets take them in once their window is complete`,
        );
        demo = (async () => {
          let last = Date.now();
          while (!controller.signal.aborted) {
            await sleep(2000, controller.signal);
            if (controller.signal.aborted) break;
            const now = Date.now();
            const sent = await sendLive((platform as { url: string }).url, ctx.project, generator, last, now, eventsPerHour).catch((error: Error) => {
              log(`demo: ${error.message}`);
              return 0;
            });
            last = now;
            if (sent > 0) report.sent(sent);
          }
        })();
      }
      const metrics = platform.metrics;
      const url = platform.url;
      // Said once, after the first round of builds: with --demo, the backfill has landed and been built by then.
      const ready = options.demo ? (built: number) => log(readyLine(url, built)) : undefined;
      await orchestrate(switches, controller.signal, log, report, (event) => metrics.observeBuild(event), ready);
      await demo;
    } finally {
      await live.stop();
      await gc?.stop();
      await platform.close();
    }
    report.flush();
    log('stopped');
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ctx.close();
    // Everything Pond opened is closed. A transformation cancelled mid-await may
    // have left a timer or socket behind: it must not keep a stopped server alive.
    setTimeout(() => process.exit(), 2000).unref();
  }
}

/**
 * The context the orchestrator works with, and the handover when the project
 * changes: `pause` as soon as the files change (nothing is planned with code
 * the files no longer hold), `resume` with the new context once it loaded (or
 * with none, the last good one staying, when it did not).
 */
class ProjectSwitches {
  latest: Context;
  paused = false;
  /** The drain signals of the rounds under way: a pause or a new project ends their planning and leasing. */
  private readonly rounds = new Set<AbortController>();

  constructor(ctx: Context) {
    this.latest = ctx;
  }

  pause(): void {
    this.paused = true;
    this.drainRounds();
  }

  resume(next?: Context): void {
    if (next) this.latest = next;
    this.paused = false;
    this.drainRounds();
  }

  /** A drain signal for a round with the current context, aborted at the next pause or switch. */
  round(): AbortController {
    const drain = new AbortController();
    this.rounds.add(drain);
    return drain;
  }

  done(drain: AbortController): void {
    this.rounds.delete(drain);
  }

  private drainRounds(): void {
    for (const r of this.rounds) r.abort();
    this.rounds.clear();
  }
}

/**
 * Builds whenever anything landed or was built, and at least every 5 s
 * (watermarks move with the clock). When the project changes, the round under
 * way drains in the background (its running builds finish with the code they
 * were planned for) and the next round runs with the new project at once.
 */
async function orchestrate(
  switches: ProjectSwitches,
  signal: AbortSignal,
  log: (message: string) => void,
  report: UpReport,
  observe: (event: BuildEvent) => void,
  ready?: (built: number) => void,
): Promise<void> {
  let firstRound = ready !== undefined;
  const draining: Promise<unknown>[] = [];
  let ctx = switches.latest;
  let executor = new Executor(ctx);
  // Builds publish what they commit; this catches up what is behind: failed publishes after their backoff, sinks added later.
  let publisher = new Publisher(ctx);
  const sinksIn = (c: Context) => [...c.project.datasets.values()].some((d) => d.sinks.length > 0);
  let hasSinks = sinksIn(ctx);
  let lastPublish = 0;
  let seenSeq = -1;
  let lastPlan = 0;
  try {
    while (!signal.aborted) {
      if (switches.paused) {
        await sleep(50, signal);
        continue;
      }
      if (switches.latest !== ctx) {
        ctx = switches.latest;
        executor = new Executor(ctx);
        draining.push(publisher.close());
        publisher = new Publisher(ctx);
        hasSinks = sinksIn(ctx);
        seenSeq = -1;
      }
      if (hasSinks && Date.now() - lastPublish > 5000) {
        lastPublish = Date.now();
        const published = await publisher.catchUp({ signal }).catch((error: Error) => {
          log(`publishing failed: ${error.message}`);
          return undefined;
        });
        for (const r of published?.results ?? [])
          if (r.error) log(`sink ${r.dataset}/${r.sink} ${r.key}: ${r.error.message} (retried later; pond sinks shows it)`);
        if (published && published.published > 0) log(`published ${published.published} partition${published.published === 1 ? '' : 's'} to sinks`);
      }
      report.maybeFlush();
      const seq = await ctx.state.currentSeq();
      if (seq !== seenSeq || Date.now() - lastPlan > 5000) {
        seenSeq = seq;
        lastPlan = Date.now();
        const drain = switches.round();
        const switched = new Promise<false>((resolve) => drain.signal.addEventListener('abort', () => resolve(false), { once: true }));
        const round = executor
          .build({
            retryFailed: false,
            signal,
            drain: drain.signal,
            onEvent: (event) => {
              observe(event);
              report.built(event);
              if (event.type === 'other-code') log(otherCodeMessage(event));
            },
          })
          .then((summary) => {
            if (firstRound && !summary.cancelled) {
              firstRound = false;
              report.flush();
              ready?.(summary.succeeded);
            }
          });
        // A change of the project does not wait for the round's builds: they finish in the background.
        const done = await Promise.race([round.then(() => true), switched]);
        switches.done(drain);
        if (!done) {
          // The drained round keeps its executor until its builds finish; the next round gets its own.
          executor = new Executor(ctx);
          draining.push(round.catch((error: Error) => log(`a build of the earlier project failed: ${error.message}`)));
          continue;
        }
        const forgetting = await advanceForgetting(ctx).catch((error: Error) => {
          log(`forgetting: ${error.message} (tried again shortly)`);
          return { started: 0, completed: 0 };
        });
        if (forgetting.started > 0)
          log(
            `forgetting: ${forgetting.started} request${forgetting.started === 1 ? '' : 's'} marked what held ${forgetting.started === 1 ? 'its subject' : 'their subjects'} for rebuilding`,
          );
        if (forgetting.completed > 0)
          log(`forgetting: ${forgetting.completed} request${forgetting.completed === 1 ? '' : 's'} completed (pond forget --status)`);
        seenSeq = await ctx.state.currentSeq();
      }
      await sleep(200, signal);
    }
  } finally {
    await Promise.allSettled(draining);
    await publisher.close();
  }
}
