/**
 * `pond up`: the long-running platform. Now: continuous orchestration — a new
 * input version leads to the builds that depend on it within about a second.
 * With --demo, the project's generator sends live events too.
 */
import { Executor, sleep } from '../../orchestrate/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { backfill, loadGenerator, sendLive } from './demo.ts';

export async function upCommand(options: GlobalOptions & { demo?: boolean; eventsPerHour?: string }): Promise<number> {
  const ctx = await openContext(options);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const log = (message: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${message}`);
  try {
    log(`Pond is up on project ${ctx.project.name} (${ctx.project.streams.size} streams, ${ctx.project.datasets.size} datasets). Ctrl-C stops it.`);
    const eventsPerHour = Number(options.eventsPerHour ?? 36_000);
    let demo: Promise<void> = Promise.resolve();
    if (options.demo) {
      const generator = await loadGenerator(ctx.project);
      const activity = await Promise.all([...ctx.project.streams.keys()].map((name) => ctx.state.getStreamActivity(name)));
      if (activity.every((a) => a === undefined || a.events === 0)) {
        log('demo: the lake is empty; landing the last 24 hours of generated events first');
        const end = Math.floor(Date.now() / 60_000) * 60_000;
        await backfill(ctx, ctx.project, end - 24 * 3_600_000, end, 200, 1);
      }
      demo = (async () => {
        let last = Date.now();
        while (!controller.signal.aborted) {
          await sleep(2000, controller.signal);
          const now = Date.now();
          const sent = await sendLive(ctx, ctx.project, generator, last, now, eventsPerHour).catch((error: Error) => {
            log(`demo: ${error.message}`);
            return 0;
          });
          last = now;
          if (sent > 0) log(`demo: sent ${sent} events`);
        }
      })();
    }
    const executor = new Executor(ctx);
    let seenSeq = -1;
    let lastPlan = 0;
    while (!controller.signal.aborted) {
      const seq = await ctx.state.currentSeq();
      // Plan when anything landed or was built, and at least every 5 s (watermarks move with the clock).
      if (seq !== seenSeq || Date.now() - lastPlan > 5000) {
        seenSeq = seq;
        lastPlan = Date.now();
        const built = new Map<string, number>();
        const summary = await executor.build({
          retryFailed: false,
          signal: controller.signal,
          onEvent: (event) => {
            if (event.type === 'succeeded') built.set(event.task.dataset, (built.get(event.task.dataset) ?? 0) + 1);
            if (event.type === 'failed') log(`${event.willRetry ? 'retrying' : 'failed'} ${event.task.dataset} ${event.task.key}: ${event.error.message}`);
          },
        });
        if (summary.succeeded > 0 || summary.failed > 0) {
          const which = [...built].map(([dataset, n]) => `${dataset} ${n}`).join(', ');
          log(`built ${summary.succeeded} partitions${summary.failed ? `, ${summary.failed} failed` : ''} (${which})`);
        }
        seenSeq = await ctx.state.currentSeq();
      }
      await sleep(200, controller.signal);
    }
    await demo;
    log('stopped');
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ctx.close();
  }
}
