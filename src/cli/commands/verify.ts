/**
 * `pond verify`: rebuilds the current versions of partitions from the input
 * versions they recorded, with the current code, and reports every partition
 * whose rows differ. Exit 0 when all reproduce, 1 when any differs or fails to
 * rebuild (or Ctrl-C stopped it), 2 for bad arguments.
 */
import { verify, type PartitionVerification, type VerifyReport } from '../../orchestrate/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson, Progress } from '../output.ts';
import { parseTime } from './parse-time.ts';

export interface VerifyCommandOptions extends GlobalOptions {
  from?: string;
  to?: string;
}

export async function verifyCommand(names: string[], options: VerifyCommandOptions): Promise<number> {
  const from = options.from === undefined ? undefined : parseTime(options.from, '--from');
  const to = options.to === undefined ? undefined : parseTime(options.to, '--to');
  const ctx = await openContext(options);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const started = Date.now();
    const progress = new Progress('verifying');
    let total = 0;
    let done = 0;
    const report = await verify(ctx, {
      datasets: names,
      from,
      to,
      signal: controller.signal,
      onSelected: (n) => (total = n),
      onVerified: (p) => progress.update(++done, total, `${p.dataset} ${p.key}`),
    });
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    if (options.json) printJson({ ...summaryOf(report), seconds, datasets: byDataset(report), partitions: report.partitions.map(toJson) });
    else printReport(report, seconds);
    return report.differs > 0 || report.errors > 0 || report.cancelled ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.close();
  }
}

function summaryOf(r: VerifyReport) {
  return { total: r.total, same: r.same, differs: r.differs, codeChanged: r.codeChanged, errors: r.errors, stale: r.stale, cancelled: r.cancelled };
}

function byDataset(report: VerifyReport) {
  const rows = new Map<string, { dataset: string; partitions: number; same: number; differs: number; codeChanged: number; errors: number; stale: number }>();
  for (const p of report.partitions) {
    let row = rows.get(p.dataset);
    if (!row) rows.set(p.dataset, (row = { dataset: p.dataset, partitions: 0, same: 0, differs: 0, codeChanged: 0, errors: 0, stale: 0 }));
    row.partitions++;
    if (p.verdict === 'same') row.same++;
    else if (p.verdict === 'differs') row.differs++;
    else if (p.verdict === 'code-changed') row.codeChanged++;
    else row.errors++;
    if (p.stale !== null) row.stale++;
  }
  return [...rows.values()];
}

function toJson(p: PartitionVerification) {
  return { ...p, error: p.error?.toJSON() };
}

function printReport(report: VerifyReport, seconds: number): void {
  if (report.total === 0) {
    console.log('Nothing to verify: no partition in scope has a current version.');
    return;
  }
  const verified = report.partitions.length;
  const parts = [`${report.same} reproduce${report.same === 1 ? 's' : ''}`];
  if (report.differs) parts.push(`${report.differs} differ${report.differs === 1 ? 's' : ''}`);
  if (report.errors) parts.push(`${report.errors} failed to rebuild`);
  if (report.codeChanged) parts.push(`${report.codeChanged} not rebuilt: code changed since their build`);
  const head = report.cancelled ? `Cancelled after ${verified} of ${report.total} partitions` : `Verified ${verified} partition${verified === 1 ? '' : 's'}`;
  console.log(`${head} in ${seconds.toFixed(1)} s: ${parts.join(', ')}.\n`);
  console.log(
    formatTable(
      byDataset(report).map((d) => ({
        dataset: d.dataset,
        partitions: d.partitions,
        same: d.same,
        differs: d.differs,
        'code changed': d.codeChanged,
        errors: d.errors,
        stale: d.stale,
      })),
    ),
  );
  list(report, 'differs', 'Partitions whose rebuild differs (is the transformation deterministic?):', describeDifference);
  list(report, 'error', 'Partitions that failed to rebuild:', (p) => p.error?.describe() ?? 'unknown error');
  list(report, 'code-changed', 'Not rebuilt, their code changed since their build (`pond build` rebuilds them):', () => 'code changed');
  const stale = report.partitions.filter((p) => p.stale !== null && p.verdict !== 'code-changed');
  if (stale.length > 0) {
    console.log(`\nStale partitions, verified against the input versions they were built from (\`pond build\` rebuilds them):`);
    for (const p of stale.slice(0, 20)) console.log(`  ${p.dataset} ${p.key}: ${p.stale}`);
    if (stale.length > 20) console.log(`  … and ${stale.length - 20} more`);
  }
}

function list(report: VerifyReport, verdict: PartitionVerification['verdict'], title: string, describe: (p: PartitionVerification) => string): void {
  const found = report.partitions.filter((p) => p.verdict === verdict);
  if (found.length === 0) return;
  console.log(`\n${title}`);
  for (const p of found.slice(0, 20)) console.log(`  ${p.dataset} ${p.key}: ${describe(p)}`);
  if (found.length > 20) console.log(`  … and ${found.length - 20} more`);
}

function describeDifference(p: PartitionVerification): string {
  const parts = [`${p.rows?.current ?? '?'} rows now, ${p.rows?.rebuilt ?? '?'} rebuilt`];
  if (p.schemaChanges && p.schemaChanges.length > 0) parts.push(`schema: ${p.schemaChanges.join('; ')}`);
  if (p.columns && p.columns.length > 0) parts.push(`values differ in ${p.columns.join(', ')}`);
  else if (!p.schemaChanges?.length) parts.push('the same column values, combined into rows differently');
  return parts.join('; ');
}
