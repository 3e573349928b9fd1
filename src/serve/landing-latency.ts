/**
 * Landing latency per stream: how long events took from their receipt to
 * the lake, batch by batch, over the last five minutes. The lander reports
 * each batch (`LandSummary`); the data API reads the figures. Each batch
 * counts once, with the wait of its oldest event of that stream, so the
 * figures say how late the lake runs behind the collector.
 */
import type { LandSummary } from '../land/index.ts';
import type { LandingFigures } from './api/answers/index.ts';

interface Sample {
  readonly at: number;
  readonly lagMs: number;
}

/** Samples kept per stream at most, whatever the batch rate (a batch every 200 ms for 5 min is 1,500). */
const MAX_SAMPLES = 10_000;

export class LandingLatency {
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly windowMs = 5 * 60_000) {}

  /** Records one landed batch, per stream it held. */
  observe(summary: LandSummary): void {
    for (const [stream, s] of Object.entries(summary.streams)) {
      let list = this.samples.get(stream);
      if (!list) this.samples.set(stream, (list = []));
      list.push({ at: summary.landedAt, lagMs: Math.max(0, summary.landedAt - s.oldestReceivedAt) });
      if (list.length > MAX_SAMPLES) list.splice(0, list.length - MAX_SAMPLES);
    }
  }

  /** The stream's figures over the window ending `now`. */
  figures(stream: string, now = Date.now()): LandingFigures {
    const list = this.samples.get(stream) ?? [];
    const from = now - this.windowMs;
    let first = 0;
    while (first < list.length && (list[first] as Sample).at < from) first++;
    if (first > 0) list.splice(0, first);
    if (list.length === 0) return { lastLagMs: null, p50LagMs: null, p95LagMs: null, batches: 0 };
    const sorted = list.map((s) => s.lagMs).sort((a, b) => a - b);
    const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
    return { lastLagMs: (list.at(-1) as Sample).lagMs, p50LagMs: pick(0.5), p95LagMs: pick(0.95), batches: list.length };
  }
}
