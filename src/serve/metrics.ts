/**
 * Prometheus metrics for `/metrics`, on a registry of Pond's own (never
 * prom-client's global one, so two platforms in one process do not mix).
 * What happens in this process (landing batches, builds) is counted as it
 * happens; what the state store knows for good (events and dead letters per
 * stream, the latest check results) is read when Prometheus scrapes, so the
 * numbers survive restarts and agree with `pond status`.
 *
 * Sinks are read from their recorded state on each scrape (partitions
 * published, failing, last publish), not counted per publish.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Project } from '../config/index.ts';
import type { LandSummary } from '../land/index.ts';
import type { BuildEvent } from '../orchestrate/index.ts';
import type { CheckResult, CheckStore, SinkStateStore, StreamActivityStore } from '../state/index.ts';

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export class PondMetrics {
  readonly registry = new Registry();
  private readonly landedEvents: Counter;
  private readonly landedDead: Counter;
  private readonly landedDuplicates: Counter;
  private readonly landBatches: Counter;
  private readonly landingLag: Histogram;
  private readonly builds: Counter<'dataset' | 'status'>;
  private readonly buildSeconds: Histogram<'dataset'>;
  private readonly started = new Map<string, number>();
  /** The project whose streams and sinks are reported: `pond up` switches it when the project is reloaded. */
  project: Project;

  /**
   * @example
   * const metrics = new PondMetrics(project, state);
   * metrics.observeLanding(summary);
   * await metrics.registry.metrics(); // '# HELP pond_landed_events_total …'
   */
  constructor(project: Project, state: StreamActivityStore & CheckStore & SinkStateStore) {
    this.project = project;
    const current = () => this.project;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'pond_' });
    this.landedEvents = new Counter({ name: 'pond_landed_events_total', help: 'Events landed in the lake by this process', registers });
    this.landedDead = new Counter({ name: 'pond_landed_dead_letters_total', help: 'Events landed as dead letters by this process', registers });
    this.landedDuplicates = new Counter({ name: 'pond_landed_duplicates_total', help: 'Duplicate events (same messageId) dropped by this process', registers });
    this.landBatches = new Counter({ name: 'pond_land_batches_total', help: 'Landing batches committed by this process', registers });
    this.landingLag = new Histogram({
      name: 'pond_landing_lag_seconds',
      help: "Time from the receipt of a batch's oldest event to its commit in the lake",
      buckets: SECONDS,
      registers,
    });
    this.builds = new Counter({
      name: 'pond_builds_total',
      help: 'Partition builds finished by this process, by dataset and status (succeeded, failed, retrying)',
      labelNames: ['dataset', 'status'],
      registers,
    });
    this.buildSeconds = new Histogram({
      name: 'pond_build_duration_seconds',
      help: 'Duration of partition builds, by dataset',
      labelNames: ['dataset'],
      buckets: SECONDS,
      registers,
    });

    const activity = async () => Promise.all([...current().streams.keys()].map(async (s) => [s, await state.getStreamActivity(s)] as const));
    new Gauge({
      name: 'pond_stream_events',
      help: 'Events landed per stream, all time (from the state store)',
      labelNames: ['stream'],
      registers,
      async collect() {
        for (const [s, a] of await activity()) this.set({ stream: s }, a?.events ?? 0);
      },
    });
    new Gauge({
      name: 'pond_stream_dead_letters',
      help: 'Dead letters per stream, all time (from the state store)',
      labelNames: ['stream'],
      registers,
      async collect() {
        for (const [s, a] of await activity()) this.set({ stream: s }, a?.deadLetters ?? 0);
      },
    });
    new Gauge({
      name: 'pond_stream_last_received_timestamp_seconds',
      help: 'When each stream last received an event (0 before the first)',
      labelNames: ['stream'],
      registers,
      async collect() {
        for (const [s, a] of await activity()) this.set({ stream: s }, (a?.lastReceivedAt ?? 0) / 1000);
      },
    });
    new Gauge({
      name: 'pond_checks',
      help: 'Latest result of each (partition, check) among the 1000 newest check results, by dataset, status (pass, fail, error) and severity',
      labelNames: ['dataset', 'status', 'severity'],
      registers,
      async collect() {
        this.reset();
        for (const [labels, n] of latestChecks(await state.checkResults({ limit: 1000 }))) this.set(labels, n);
      },
    });

    const withSinks = () => [...current().datasets.values()].filter((d) => d.sinks.length > 0);
    const sinkStates = async () => (await Promise.all(withSinks().map((d) => state.sinkStates(d.name).catch(() => [])))).flat();
    new Gauge({
      name: 'pond_sink_partitions',
      help: 'Partitions per sink by state: published (some version is published) or failing (the last attempt failed)',
      labelNames: ['dataset', 'sink', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const d of withSinks())
          for (const sink of d.sinks) for (const st of ['published', 'failing']) this.set({ dataset: d.name, sink: sink.name, state: st }, 0);
        for (const s of await sinkStates()) {
          if (s.versionId !== null) this.inc({ dataset: s.dataset, sink: s.sink, state: 'published' });
          if (s.error !== null) this.inc({ dataset: s.dataset, sink: s.sink, state: 'failing' });
        }
      },
    });
    new Gauge({
      name: 'pond_sink_last_published_timestamp_seconds',
      help: 'When each sink last published a partition (0 before the first)',
      labelNames: ['dataset', 'sink'],
      registers,
      async collect() {
        this.reset();
        const last = new Map<string, number>();
        for (const d of withSinks()) for (const sink of d.sinks) last.set(JSON.stringify([d.name, sink.name]), 0);
        for (const s of await sinkStates()) {
          const key = JSON.stringify([s.dataset, s.sink]);
          last.set(key, Math.max(last.get(key) ?? 0, s.publishedAt ?? 0));
        }
        for (const [key, at] of last) {
          const [dataset, sink] = JSON.parse(key) as [string, string];
          this.set({ dataset, sink }, at / 1000);
        }
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  observeLanding(summary: LandSummary, now = Date.now()): void {
    this.landBatches.inc();
    this.landedEvents.inc(summary.accepted);
    this.landedDead.inc(summary.deadLetters);
    this.landedDuplicates.inc(summary.duplicates);
    if (summary.oldestReceivedAt !== null) this.landingLag.observe(Math.max(0, now - summary.oldestReceivedAt) / 1000);
  }

  observeBuild(event: BuildEvent, now = Date.now()): void {
    if (event.type === 'started') this.started.set(event.runId, now);
    if (event.type !== 'succeeded' && event.type !== 'failed') return;
    const status = event.type === 'succeeded' ? 'succeeded' : event.willRetry ? 'retrying' : 'failed';
    this.builds.inc({ dataset: event.task.dataset, status });
    const start = this.started.get(event.runId);
    this.started.delete(event.runId);
    const ms = event.type === 'succeeded' ? event.ms : start === undefined ? undefined : now - start;
    if (ms !== undefined) this.buildSeconds.observe({ dataset: event.task.dataset }, ms / 1000);
  }
}

function latestChecks(results: readonly CheckResult[]): Map<{ dataset: string; status: string; severity: string }, number> {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (const r of results) {
    const id = `${r.dataset}\u0000${r.idx}\u0000${r.check}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const key = JSON.stringify([r.dataset, r.status, r.severity]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map(
    [...counts].map(([key, n]) => {
      const [dataset, status, severity] = JSON.parse(key) as [string, string, string];
      return [{ dataset, status, severity }, n];
    }),
  );
}
