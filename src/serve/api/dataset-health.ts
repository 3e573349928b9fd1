/**
 * A dataset's health and freshness at a glance, from one plan: `failed` when
 * a partition's last build failed, `warn` when a current version failed a
 * `warn` check, `stale` when partitions of its span are missing or out of
 * date, `empty` when it has no partitions yet, else `ok`. Freshness is how
 * far behind the wall clock the end of its newest built partition is,
 * against what to expect: one window, plus the lateness of the streams it
 * reads from (directly or not), plus five minutes for landing and building.
 */
import type { DatasetModel, Project } from '../../config/index.ts';
import { keyOf, type DatasetPlan } from '../../orchestrate/index.ts';
import type { CheckStore, VersionStore } from '../../state/index.ts';
import type { Freshness, Health } from './answers/index.ts';

const SLACK_MS = 5 * 60_000;

export async function healthOf(state: VersionStore & CheckStore, d: DatasetPlan): Promise<Health> {
  const size = d.span ? d.span.end - d.span.start : 0;
  let failed = 0;
  let fresh = 0;
  for (let k = 0; k < size; k++) {
    if (d.failed[k]) failed++;
    else if (d.reason[k] === 0) fresh++;
  }
  if (failed > 0) return 'failed';
  // Failures on versions that are current: `warn` checks (an `error` check's failure is never current).
  const recent = await state.checkResults({ dataset: d.name, failed: true, limit: 20 });
  if (recent.some((r) => r.current)) return 'warn';
  if (size === 0) return 'empty';
  return fresh < size ? 'stale' : 'ok';
}

export async function freshnessOf(project: Project, state: VersionStore, d: DatasetPlan, now: number): Promise<Freshness> {
  const p = d.partitioning;
  const expectedLagMs = (p.kind === 'none' ? 0 : p.grain.approxMs) + upstreamLateness(project, d.model) + SLACK_MS;
  let latest: string | null = null;
  let end: number | null = null;
  if (p.kind === 'none') {
    const partition = await state.getPartition(d.name, 0);
    if (partition?.versionId) {
      latest = partition.key;
      end = partition.updatedAt;
    }
  } else if (d.span) {
    // Newest first: the newest built partition is near the end of the span.
    for (let k = d.span.end - d.span.start - 1; k >= 0; k--) {
      if (!d.built[k]) continue;
      latest = keyOf(d, d.span.start + k);
      end = p.grain.start(d.span.start + k + 1);
      break;
    }
  }
  const lagMs = end === null ? null : now - end;
  return { latest, latestEnd: end === null ? null : new Date(end).toISOString(), lagMs, expectedLagMs, onTime: lagMs !== null && lagMs <= expectedLagMs };
}

/** The largest lateness among the streams a dataset reads, directly or through other datasets. */
function upstreamLateness(project: Project, model: DatasetModel): number {
  let most = 0;
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const stream = project.streams.get(name);
    if (stream) most = Math.max(most, stream.latenessMs);
    for (const input of project.datasets.get(name)?.inputs ?? []) visit(input.source);
  };
  for (const input of model.inputs) visit(input.source);
  return most;
}
