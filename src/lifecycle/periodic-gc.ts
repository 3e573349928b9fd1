/**
 * Garbage collection inside `pond up`: every `gc.interval` (the first run
 * after a minute, or the interval when shorter), one collection. It logs one
 * line when it deleted something, and one per sink it removed expired
 * partitions from or that failed; a failure is logged and the next interval
 * tries again — collecting garbage late never hurts, stopping the platform
 * for it would.
 */
import { formatDuration } from '../partition/index.ts';
import { runGc, type GcDeps } from './run-gc.ts';

const FIRST_RUN_MS = 60_000;

export class PeriodicGc {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: GcDeps,
    private readonly log: (message: string) => void,
    private readonly intervalMs: number = deps.project.gc.intervalMs,
  ) {}

  /**
   * @example
   * const gc = new PeriodicGc(ctx, log);
   * gc.start();
   * // …
   * await gc.stop();
   */
  start(): void {
    this.schedule(Math.min(FIRST_RUN_MS, this.intervalMs));
  }

  /** Stops the timer and waits for a collection under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.once().finally(() => {
        this.running = undefined;
        this.schedule(this.intervalMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async once(): Promise<void> {
    try {
      const s = await runGc(this.deps);
      if (s.totals.files > 0 || s.totals.versions > 0 || s.totals.partitions > 0) {
        const which = s.datasets.map((d) => `${d.dataset} ${d.partitions ? `${d.partitions} partitions, ` : ''}${d.versions} versions`).join('; ');
        this.log(
          `gc: deleted ${s.totals.partitions} expired partitions, ${s.totals.versions} superseded versions (${which}), ${s.totals.files} files, ${s.totals.bytes} bytes (pond gc --log lists them)`,
        );
      }
      for (const r of s.sinks) {
        if (r.partitions.length > 0) this.log(`gc: removed from sink ${r.sink} of ${r.dataset}: ${r.partitions.length} expired partitions`);
        if (r.error !== undefined)
          this.log(`gc: removing expired partitions of ${r.dataset} from sink ${r.sink} failed; they stay in the lake until the next collection: ${r.error}`);
      }
    } catch (error) {
      this.log(`gc failed, retrying in ${formatDuration(this.intervalMs)}: ${(error as Error).message}`);
    }
  }
}
