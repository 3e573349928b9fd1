/**
 * `pond gc`: garbage collection. First the expiry of whole partitions
 * (`retention.partitions`), then the retention of superseded versions
 * (`retention.versions` in the project), then the sweep of lake files that no
 * version references. `--dry-run` shows what would go; `--now` evaluates as of
 * another time; `--log` lists what earlier collections deleted. Expiring
 * partitions are removed from their dataset's sinks first (a dry run only
 * says which); exit 1 when a sink failed, whose partitions then stay.
 */
import { formatDuration, parseDuration } from '../../partition/index.ts';
import { PondError } from '../../errors/index.ts';
import { runGc, type GcSummary } from '../../lifecycle/index.ts';
import type { GcLogEntry } from '../../state/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';
import { parseTime } from './parse-time.ts';

export interface GcCommandOptions extends GlobalOptions {
  dryRun?: boolean;
  grace?: string;
  now?: string;
  log?: boolean;
  limit?: string;
}

export async function gcCommand(options: GcCommandOptions): Promise<number> {
  const graceMs = options.grace === undefined ? undefined : parseDuration(options.grace);
  if (options.grace !== undefined && graceMs === undefined)
    throw new PondError('BAD_ARGUMENT', `--grace ${options.grace} is not a duration`, { hint: "such as '0s', '10m' or '1h'" });
  const now = options.now === undefined ? undefined : parseTime(options.now, '--now');
  const limit = options.limit === undefined ? 1000 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new PondError('BAD_ARGUMENT', `--limit ${options.limit} is not a whole number ≥ 1`);
  const ctx = await openContext(options, { readOnly: true });
  try {
    if (options.log) {
      printLog(await ctx.state.gcLog({ limit }), options.json);
      return 0;
    }
    const summary = await runGc(ctx, { now, graceMs, dryRun: options.dryRun });
    // The first three fields are what `pond gc --json` printed before retention existed; scripts may read them.
    if (options.json)
      printJson({ scannedObjects: summary.orphans.scanned, deletedObjects: summary.totals.files, deletedBytes: summary.totals.bytes, ...summary });
    else printSummary(summary);
    return summary.totals.sinkErrors > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

function printSummary(s: GcSummary): void {
  const verb = s.dryRun ? 'Would delete' : 'Deleted';
  const asOf = `as of ${s.asOf}, grace ${formatDuration(s.graceMs)}`;
  if (s.datasets.length === 0) {
    console.log(`Nothing to delete (${asOf}; ${s.orphans.scanned} objects scanned).`);
    printSinks(s);
    return;
  }
  const expired = s.totals.partitions > 0 ? `${s.totals.partitions} expired partitions, ` : '';
  console.log(`${verb} ${expired}${s.totals.versions} superseded versions and ${s.totals.files} files (${s.totals.bytes} bytes), ${asOf}:`);
  console.log(
    formatTable(
      s.datasets.map((d) => ({
        dataset: d.dataset,
        'expired partitions': d.partitions,
        versions: d.versions,
        files: d.files,
        bytes: d.bytes,
        'unreferenced files': d.orphanFiles,
        'unreferenced bytes': d.orphanBytes,
      })),
    ),
  );
  for (const p of s.partitions.slice(0, 20)) console.log(`  ${p.dataset} ${p.key}: expired (window ended before ${p.before}), ${p.versions} versions`);
  if (s.partitions.length > 20) console.log(`  … and ${s.partitions.length - 20} more expired partitions (--json lists them all)`);
  for (const v of s.versions.slice(0, 20)) console.log(`  ${v.dataset} ${v.key} ${v.id}: ${v.reason}`);
  if (s.versions.length > 20) console.log(`  … and ${s.versions.length - 20} more versions (--json lists them all)`);
  for (const key of s.orphans.keys.slice(0, 20)) console.log(`  unreferenced ${key}`);
  if (s.orphans.keys.length > 20) console.log(`  … and ${s.orphans.keys.length - 20} more unreferenced files`);
  printSinks(s);
  if (!s.dryRun) console.log(`Recorded as ${s.gcId} (pond gc --log lists it).`);
}

/** `daily: removed from sink pg: 3 partitions`, and each sink that failed with its error. */
function printSinks(s: GcSummary): void {
  for (const r of s.sinks) {
    const n = `${r.partitions.length} partition${r.partitions.length === 1 ? '' : 's'}`;
    if (r.partitions.length > 0 || r.error === undefined)
      console.log(`${r.dataset}: ${s.dryRun ? 'would remove' : 'removed'} from sink ${r.sink}: ${n} (${r.target})`);
    if (r.error !== undefined)
      console.log(`${r.dataset}: removing from sink ${r.sink} failed, so its expiring partitions stay until the next collection: ${r.error}`);
  }
}

function printLog(entries: readonly GcLogEntry[], json: boolean | undefined): void {
  if (json) {
    printJson(entries);
    return;
  }
  if (entries.length === 0) {
    console.log('No garbage collection has deleted anything yet.');
    return;
  }
  const rows = entries.map((e) => ({
    at: new Date(e.at).toISOString(),
    gc: e.gcId,
    dataset: e.dataset,
    partition: e.key ?? '',
    version: e.versionId ?? '(unreferenced files)',
    files: e.files,
    bytes: e.bytes,
    reason: e.reason,
  }));
  console.log(formatTable(rows));
}
