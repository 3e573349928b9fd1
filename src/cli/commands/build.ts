/**
 * `pond build`: plan what is stale and build it, or show the plan with --dry-run.
 * `--now` plans as of another time (the watermark of an idle stream and
 * retention horizons follow the clock), for previews and for tests that must
 * not depend on how fast the machine is.
 */
import type { Project } from '../../config/index.ts';
import { PondError } from '../../errors/index.ts';
import { advanceForgetting } from '../../lifecycle/index.ts';
import { describeReason, Executor, groupRuns, keyOf, otherCodeMessage, plan, type Plan } from '../../orchestrate/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { printJson, Progress } from '../output.ts';
import { parseTime } from './parse-time.ts';

export interface BuildCommandOptions extends GlobalOptions {
  from?: string;
  to?: string;
  dryRun?: boolean;
  force?: boolean;
  now?: string;
}

export async function buildCommand(names: string[], options: BuildCommandOptions): Promise<number> {
  const ctx = await openContext(options, { validate: !options.dryRun });
  try {
    const scope = selectScope(ctx.project, names);
    const from = options.from === undefined ? undefined : parseTime(options.from, '--from');
    const to = options.to === undefined ? undefined : parseTime(options.to, '--to');
    const now = options.now === undefined ? undefined : parseTime(options.now, '--now');
    if (options.dryRun) {
      const p = await plan(ctx.project, ctx.state, { scope, from, to, force: options.force, now: now ?? Date.now() });
      const report = describePlan(p, scope);
      if (options.json) printJson(report);
      else printPlan(report);
      return 0;
    }
    // Forget requests the data API recorded (or a crash interrupted) mark their partitions first.
    await advanceForgetting(ctx);
    const started = Date.now();
    const progress = new Progress('building');
    let queued = 0;
    let done = 0;
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const summary = await new Executor(ctx).build({
      scope,
      from,
      to,
      force: options.force,
      now,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'planned') queued += event.queued;
        if (event.type === 'succeeded' || (event.type === 'failed' && !event.willRetry)) done++;
        if (event.type === 'other-code' && !options.json) process.stderr.write(`\n${otherCodeMessage(event)}\n`);
        if (event.type === 'failed' && !options.json) {
          process.stderr.write(`\n${event.willRetry ? 'retrying' : 'failed'}: ${event.task.dataset} ${event.task.key}\n${event.error.describe()}\n`);
        }
        progress.update(done, Math.max(queued, done), event.type === 'succeeded' ? `${event.task.dataset} ${event.task.key}` : '');
      },
    });
    progress.done();
    const forgetting = await advanceForgetting(ctx);
    if (forgetting.completed > 0 && !options.json)
      console.log(
        `Completed ${forgetting.completed} forget request${forgetting.completed === 1 ? '' : 's'}: every partition that held the subject is rebuilt without it (pond forget --status).`,
      );
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const seconds = (Date.now() - started) / 1000;
    if (options.json) {
      printJson({ ...summary, failures: summary.failures.map((f) => ({ dataset: f.dataset, key: f.key, error: f.error.toJSON() })), seconds });
    } else if (summary.succeeded === 0 && summary.failed === 0) {
      console.log(summary.cancelled ? 'Cancelled.' : 'Nothing to build: every partition in scope is up to date.');
    } else {
      const quarantined = summary.failures.filter((f) => f.error.code === 'CHECK_FAILED').length;
      const where =
        quarantined === 0 ? '`pond runs --failed`' : quarantined === summary.failed ? '`pond checks --failed`' : '`pond runs --failed`, `pond checks --failed`';
      const failed = summary.failed
        ? `; ${summary.failed} failed${quarantined ? `, ${quarantined} of them quarantined by their checks` : ''} (see ${where})`
        : '';
      console.log(`Built ${summary.succeeded} partition${summary.succeeded === 1 ? '' : 's'} in ${seconds.toFixed(1)} s${failed}.`);
    }
    return summary.failed > 0 ? 1 : summary.cancelled ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

/** The named datasets and everything upstream of them; all datasets when none are named. */
export function selectScope(project: Project, names: readonly string[]): Set<string> | undefined {
  if (names.length === 0) return undefined;
  const scope = new Set<string>();
  const add = (name: string) => {
    if (scope.has(name)) return;
    const model = project.datasets.get(name);
    if (!model) return;
    scope.add(name);
    for (const input of model.inputs) add(input.source);
  };
  for (const name of names) {
    if (!project.datasets.has(name)) {
      const hint = project.streams.has(name) ? `"${name}" is a stream: streams are loaded, not built` : `datasets: ${[...project.datasets.keys()].join(', ')}`;
      throw new PondError('NOT_FOUND', `unknown dataset "${name}"`, { hint });
    }
    add(name);
  }
  return scope;
}

interface PlanReport {
  datasets: Array<{
    name: string;
    planned: number;
    readyNow: number;
    waitingFor: string | null;
    ranges: Array<{ from: string; to: string; partitions: number; reason: string; readyNow: boolean }>;
  }>;
  total: number;
}

export function describePlan(p: Plan, scope: ReadonlySet<string> | undefined): PlanReport {
  const datasets: PlanReport['datasets'] = [];
  let total = 0;
  for (const d of p.datasets.values()) {
    if (scope && !scope.has(d.name)) continue;
    const runs = groupRuns(d, (k) => (d.planned[k] ? `${describeReason(d, k)}\u0000${d.ready[k] ? 1 : 0}` : undefined));
    const ranges = runs.map((r) => {
      const [reason, ready] = r.value.split('\u0000');
      return { from: keyOf(d, r.start), to: keyOf(d, r.end - 1), partitions: r.end - r.start, reason: reason as string, readyNow: ready === '1' };
    });
    const planned = ranges.reduce((n, r) => n + r.partitions, 0);
    total += planned;
    datasets.push({
      name: d.name,
      planned,
      readyNow: ranges.filter((r) => r.readyNow).reduce((n, r) => n + r.partitions, 0),
      waitingFor: d.waitingFor,
      ranges,
    });
  }
  return { datasets, total };
}

function printPlan(report: PlanReport): void {
  if (report.total === 0) {
    console.log('Nothing to build: every partition in scope is up to date.');
    return;
  }
  console.log(`Would build ${report.total} partition${report.total === 1 ? '' : 's'}:`);
  for (const d of report.datasets) {
    if (d.planned === 0) continue;
    console.log(`\n  ${d.name}: ${d.planned} partition${d.planned === 1 ? '' : 's'}`);
    const shown = d.ranges.slice(0, 20);
    for (const r of shown) {
      const span = r.partitions === 1 ? r.from : `${r.from} … ${r.to} (${r.partitions})`;
      console.log(`    ${span}  ${r.reason}${r.readyNow ? '' : ', after its inputs'}`);
    }
    if (d.ranges.length > shown.length) console.log(`    … and ${d.ranges.length - shown.length} more ranges`);
  }
}
