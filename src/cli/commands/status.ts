/** `pond status [DATASET] [--now T]`: what exists, what is stale and why, per stream and dataset, from ranges, as of now or of T. */
import { PondError } from '../../errors/index.ts';
import { describeReason, groupRuns, keyOf, plan } from '../../orchestrate/index.ts';
import { partitionKey } from '../../partition/index.ts';
import type { CheckResult, CheckStore } from '../../state/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';
import { parseTime } from './parse-time.ts';

export async function statusCommand(name: string | undefined, options: GlobalOptions & { now?: string }): Promise<number> {
  const now = options.now === undefined ? Date.now() : parseTime(options.now, '--now');
  const ctx = await openContext(options, { readOnly: true });
  try {
    const { project, state } = ctx;
    if (name !== undefined && !project.datasets.has(name) && !project.streams.has(name)) {
      throw new PondError('NOT_FOUND', `no stream or dataset named "${name}"`, {
        hint: `known: ${[...project.streams.keys(), ...project.datasets.keys()].join(', ')}`,
      });
    }
    const p = await plan(project, state, { now });
    const streams = [];
    for (const s of p.streams.values()) {
      if (name && s.name !== name) continue;
      const activity = await state.getStreamActivity(s.name);
      streams.push({
        stream: s.name,
        partitions: s.columns.idx.length,
        first: s.span ? partitionKey(s.partitioning, s.span.start) : null,
        last: s.span ? partitionKey(s.partitioning, s.span.end - 1) : null,
        events: activity?.events ?? 0,
        dead_letters: activity?.deadLetters ?? 0,
        checks: await checkSummary(state, s.name),
        watermark: s.watermark === null ? null : new Date(s.watermark).toISOString(),
      });
    }
    const datasets = [];
    for (const d of p.datasets.values()) {
      if (name && d.name !== name) continue;
      const size = d.span ? d.span.end - d.span.start : 0;
      let fresh = 0;
      let stale = 0;
      const failedIdx: number[] = [];
      for (let k = 0; k < size; k++) {
        if (d.failed[k]) failedIdx.push((d.span?.start ?? 0) + k);
        if (d.reason[k] === 0) fresh++;
        else stale++;
      }
      const failed = failedIdx.length;
      const runs = groupRuns(d, (k) => (d.reason[k] === 0 ? 'fresh' : d.failed[k] ? 'failed' : describeReason(d, k)));
      datasets.push({
        dataset: d.name,
        grain: d.partitioning.kind === 'none' ? 'none' : d.partitioning.grain.name,
        partitions: size,
        fresh,
        stale,
        failed,
        checks: await checkSummary(state, d.name, failedIdx),
        first: d.span ? keyOf(d, d.span.start) : null,
        last: d.span ? keyOf(d, d.span.end - 1) : null,
        waiting_for: d.waitingFor,
        ranges: runs.map((r) => ({ from: keyOf(d, r.start), to: keyOf(d, r.end - 1), partitions: r.end - r.start, state: r.value })),
      });
    }
    const failures = name ? (await state.listPartitions(name)).filter((x) => x.status === 'failed').slice(0, 20) : [];
    const failedChecks = name ? await state.checkResults({ dataset: name, failed: true, limit: 10 }) : [];
    if (options.json) {
      printJson({ project: project.name, streams, datasets, failures, failedChecks });
      return 0;
    }
    console.log(`Project ${project.name} (${project.dir})\n`);
    if (streams.length > 0) console.log(`${formatTable(streams)}\n`);
    if (datasets.length > 0) console.log(formatTable(datasets.map(({ ranges: _r, ...rest }) => rest)));
    if (name && datasets[0]) {
      console.log(`\nPartitions of ${name}:`);
      for (const r of datasets[0].ranges.slice(0, 50)) console.log(`  ${r.partitions === 1 ? r.from : `${r.from} … ${r.to} (${r.partitions})`}  ${r.state}`);
      if (datasets[0].ranges.length > 50) console.log(`  … ${datasets[0].ranges.length - 50} more ranges (use --json)`);
      for (const f of failures) console.log(`\n  failed ${f.key}:\n    ${f.error?.replaceAll('\n', '\n    ')}`);
    }
    if (failedChecks.length > 0) {
      console.log(`\nRecent check failures of ${name} (\`pond checks ${name} --failed\` shows the failing rows):`);
      for (const c of failedChecks)
        console.log(`  ${c.key}  ${c.check} [${c.severity}]: ${c.observed ?? c.message ?? ''}${c.threshold ? ` (expected ${c.threshold})` : ''}`);
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

/**
 * The checks of a stream or dataset at a glance: how many (partition, check)
 * pairs fail in their latest result, among the most recent results. Never
 * "passing" while partitions have failed: a partition whose build failed has
 * no version its checks could pass, so that is said instead.
 */
async function checkSummary(state: CheckStore, name: string, failedIdx: readonly number[] = []): Promise<string> {
  const recent = await state.checkResults({ dataset: name, limit: 1000 });
  const latest = new Map<string, CheckResult>();
  for (const r of recent) if (!latest.has(`${r.idx}\u0000${r.check}`)) latest.set(`${r.idx}\u0000${r.check}`, r);
  let errors = 0;
  let warnings = 0;
  // Failed partitions that an `error` check explains: the rest failed before their checks could run.
  const explained = new Set<number>();
  for (const r of latest.values()) {
    if (r.status === 'pass') continue;
    if (r.severity === 'error') {
      errors++;
      explained.add(r.idx);
    } else warnings++;
  }
  const uncheckedCount = failedIdx.filter((idx) => !explained.has(idx)).length;
  const unchecked = uncheckedCount > 0 ? `not run on ${uncheckedCount} failed partition${uncheckedCount === 1 ? '' : 's'}` : '';
  if (recent.length === 0) return unchecked || '-';
  if (errors === 0 && warnings === 0) return unchecked || 'passing';
  return [errors ? `${errors} failing` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '', unchecked].filter(Boolean).join(', ');
}
