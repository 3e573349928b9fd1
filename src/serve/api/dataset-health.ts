/**
 * A dataset's health and freshness at a glance, from one plan: `failed` when
 * a partition's last build failed, `warn` when a current version failed a
 * `warn` check, `stale` when partitions of its span are missing or out of
 * date, `empty` when it has no partitions yet, else `ok`. Freshness is how
 * far behind the wall clock the end of its newest built partition is,
 * against what to expect: one window, plus the lateness of the streams it
 * reads from (directly or not), plus five minutes for landing and building.
 * On time means built up to that expected point with nothing failed: no
 * failed partition, and no stale one whose window ended before it (a newest
 * partition built in time over a backlog of stale ones is not on time); an
 * unpartitioned dataset is on time when it is up to date.
 */
import type { DatasetModel, Project } from '../../config/index.ts';
import { describeReason, keyOf, type DatasetPlan } from '../../orchestrate/index.ts';
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
  const size = d.span ? d.span.end - d.span.start : 0;
  let failed = 0;
  for (let k = 0; k < size; k++) if (d.failed[k]) failed++;
  const failedText = failed > 0 ? `${failed} partition${failed === 1 ? '' : 's'} failed` : null;
  if (p.kind === 'none') {
    // One partition, rebuilt when its inputs change: on time when it is up to date, however long ago that build was.
    const partition = await state.getPartition(d.name, 0);
    const built = partition?.versionId ? partition : undefined;
    const fresh = size === 1 && d.reason[0] === 0;
    const lagMs = built ? now - built.updatedAt : null;
    const lateBecause =
      failedText ??
      (!built ? (d.waitingFor ? `not built yet: waiting for ${d.waitingFor}` : 'not built yet') : !fresh ? `stale: ${describeReason(d, 0)}` : null);
    return {
      latest: built ? built.key : null,
      latestEnd: built ? new Date(built.updatedAt).toISOString() : null,
      lagMs,
      expectedLagMs,
      onTime: lateBecause === null,
      lateBecause,
    };
  }
  let latest: string | null = null;
  let end: number | null = null;
  // Newest first: the newest built partition is near the end of the span.
  for (let k = size - 1; k >= 0; k--) {
    if (!d.built[k]) continue;
    latest = keyOf(d, (d.span as { start: number }).start + k);
    end = p.grain.start((d.span as { start: number }).start + k + 1);
    break;
  }
  const lagMs = end === null ? null : now - end;
  // Built up to the expected point: every partition whose window ended longer ago than the expected lag is fresh.
  const expectedPoint = now - expectedLagMs;
  let overdue = 0;
  let oldest = -1;
  for (let k = 0; k < size; k++) {
    const idx = (d.span as { start: number }).start + k;
    if (d.reason[k] === 0 || d.failed[k] || p.grain.start(idx + 1) > expectedPoint) continue;
    overdue++;
    if (oldest < 0) oldest = k;
  }
  let lateBecause = failedText;
  if (lateBecause === null && overdue > 0) {
    const first = keyOf(d, (d.span as { start: number }).start + oldest);
    lateBecause = `${overdue} partition${overdue === 1 ? '' : 's'} stale for longer than expected (the first, ${first}: ${describeReason(d, oldest)})`;
  }
  if (lateBecause === null && lagMs === null) lateBecause = d.waitingFor ? `nothing built yet: waiting for ${d.waitingFor}` : 'nothing built yet';
  if (lateBecause === null && lagMs !== null && lagMs > expectedLagMs) lateBecause = `the newest built partition ended ${roughly(lagMs)} ago`;
  return {
    latest,
    latestEnd: end === null ? null : new Date(end).toISOString(),
    lagMs,
    expectedLagMs,
    onTime: lateBecause === null,
    lateBecause,
  };
}

/** A duration as a person says it, to the minute (to the second under a minute): `13 d 12 h`, `3 h 12 min`, `45 s`. */
function roughly(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
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
