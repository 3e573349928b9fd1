/**
 * What `pond up` says while it runs, summed over a few seconds: one line for
 * what the demo sent, what landed and what was built in that time, never a
 * line per request or per build round. What needs attention is said at once
 * and names itself: a build that failed (the dataset, the partition and the
 * error — never `1 failed ()`), a quarantined landing batch. And once, when
 * the demo's backfill has landed and been built, that the project is ready.
 *
 * @example
 * const report = new UpReport(log);
 * report.sent(18);                  // the demo's request: summed, not logged
 * report.landed(summary);           // a landing batch: summed
 * report.built(event);              // a build event: succeeded summed, a failure logged at once
 * report.maybeFlush();              // every few seconds: one line, when anything happened
 * // 12:00:10 last 10 s: demo sent 90 events; landed 90 events in 9 batches (at most 1.1 s after receipt); built 3 partitions (hourly_sales 2, daily_sales 1)
 */
import type { LandSummary } from '../land/index.ts';
import type { BuildEvent } from '../orchestrate/index.ts';

/** How often the summary line is written, when anything happened. */
export const REPORT_EVERY_MS = 10_000;

export class UpReport {
  private sentEvents = 0;
  private requests = 0;
  private events = 0;
  private dead = 0;
  private duplicates = 0;
  private batches = 0;
  private lagMs = 0;
  private readonly builtBy = new Map<string, number>();
  private failedBuilds = 0;
  private last: number;

  constructor(
    private readonly log: (message: string) => void,
    private readonly everyMs = REPORT_EVERY_MS,
    now = Date.now(),
  ) {
    this.last = now;
  }

  /** The demo sent `events` in one request. */
  sent(events: number): void {
    this.sentEvents += events;
    this.requests++;
  }

  landed(s: LandSummary, now = Date.now()): void {
    this.events += s.accepted;
    this.dead += s.deadLetters;
    this.duplicates += s.duplicates;
    this.batches++;
    // Rare and important: said at once, not in the next summary.
    for (const q of s.quarantined) this.log(`stream ${q.stream} ${q.key}: ${q.error}`);
    if (s.oldestReceivedAt !== null) this.lagMs = Math.max(this.lagMs, now - s.oldestReceivedAt);
  }

  /** A build event of the orchestrator: successes are summed; a failure is said at once, naming what failed and why. */
  built(event: BuildEvent): void {
    if (event.type === 'succeeded') this.builtBy.set(event.task.dataset, (this.builtBy.get(event.task.dataset) ?? 0) + 1);
    if (event.type === 'failed') {
      if (!event.willRetry) this.failedBuilds++;
      this.log(`${event.willRetry ? 'build failed, retrying' : 'build failed'}: ${event.task.dataset} ${event.task.key}: ${firstLine(event.error.message)}`);
    }
  }

  maybeFlush(now = Date.now()): void {
    if (now - this.last >= this.everyMs) this.flush(now);
  }

  /** Writes the summary line of what happened since the last one (nothing when nothing did). */
  flush(now = Date.now()): void {
    const line = this.summary(now);
    this.last = now;
    this.sentEvents = this.requests = this.events = this.dead = this.duplicates = this.batches = this.lagMs = this.failedBuilds = 0;
    this.builtBy.clear();
    if (line) this.log(line);
  }

  private summary(now: number): string | undefined {
    const parts: string[] = [];
    if (this.requests > 0) parts.push(`demo sent ${this.sentEvents} events`);
    if (this.batches > 0) {
      const extra = [this.dead ? `${this.dead} dead letters` : '', this.duplicates ? `${this.duplicates} duplicates dropped` : ''].filter(Boolean).join(', ');
      parts.push(
        `landed ${this.events} events in ${this.batches} batch${this.batches === 1 ? '' : 'es'}${extra ? ` (${extra})` : ''}, at most ${(this.lagMs / 1000).toFixed(1)} s after receipt`,
      );
    }
    const built = [...this.builtBy.values()].reduce((a, b) => a + b, 0);
    if (built > 0 || this.failedBuilds > 0) parts.push(buildSummary(this.builtBy, this.failedBuilds));
    if (parts.length === 0) return undefined;
    return `last ${Math.max(1, Math.round((now - this.last) / 1000))} s: ${parts.join('; ')}`;
  }
}

/** `built 3 partitions (hourly_sales 2, daily_sales 1), 1 failed (see above)`. */
export function buildSummary(builtBy: ReadonlyMap<string, number>, failed: number): string {
  const built = [...builtBy.values()].reduce((a, b) => a + b, 0);
  const which = [...builtBy].map(([dataset, n]) => `${dataset} ${n}`).join(', ');
  const failures = failed > 0 ? `, ${failed} failed (said above; pond runs --failed lists them)` : '';
  return `built ${built} partition${built === 1 ? '' : 's'}${which ? ` (${which})` : ''}${failures}`;
}

/** What `pond up --demo` says once its backfill has landed and the orchestrator has built it: the UI is worth opening now. */
export function readyLine(url: string, built: number): string {
  return `ready: the demo's last 24 hours are landed and built (${built} partition${built === 1 ? '' : 's'}); open ${url}/ — live events keep arriving`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
