/**
 * Events per second each stream lands, measured by sampling the state's
 * running totals (every few seconds, kept for an hour): the rate at which
 * events reach the lake, whatever their event times. It knows only what it
 * saw since the server started; `since` says from when.
 */
import type { StreamActivityStore } from '../../state/index.ts';
import type { StreamRate } from './answers/index.ts';

interface Sample {
  readonly at: number;
  readonly events: number;
  readonly dead: number;
}

const KEEP_MS = 3_600_000;
const WINDOWS = { '1m': 60_000, '15m': 900_000, '1h': 3_600_000 } as const;

export class StreamRates {
  private readonly samples = new Map<string, Sample[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: StreamActivityStore,
    private readonly streams: readonly string[],
  ) {}

  /** Samples now and then every `everyMs`; the timer never keeps the process alive. */
  start(everyMs = 5000): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sample(now = Date.now()): Promise<void> {
    for (const stream of this.streams) {
      const activity = await this.state.getStreamActivity(stream).catch(() => undefined);
      const list = this.samples.get(stream) ?? [];
      list.push({ at: now, events: activity?.events ?? 0, dead: activity?.deadLetters ?? 0 });
      while (list.length > 2 && (list[0] as Sample).at < now - KEEP_MS) list.shift();
      this.samples.set(stream, list);
    }
  }

  rate(stream: string): StreamRate {
    const list = this.samples.get(stream) ?? [];
    const last = list.at(-1);
    const over = (ms: number, field: 'events' | 'dead'): number | null => {
      if (!last || list.length < 2) return null;
      const first = list.find((s) => s.at >= last.at - ms) ?? list[0];
      if (!first || first === last) return null;
      return Math.max(0, last[field] - first[field]) / ((last.at - first.at) / 1000);
    };
    const rates = (field: 'events' | 'dead') => ({ '1m': over(WINDOWS['1m'], field), '15m': over(WINDOWS['15m'], field), '1h': over(WINDOWS['1h'], field) });
    return { eventsPerSecond: rates('events'), deadLettersPerSecond: rates('dead'), since: list[0] ? new Date(list[0].at).toISOString() : null };
  }
}
