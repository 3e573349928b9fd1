/**
 * `pond sinks [DATASET]`: the state of every sink (of one dataset, or of all
 * that have sinks): partitions published at their current version, behind,
 * and failed with their errors, attempts and next retry.
 */
import { Publisher } from '../../sink/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

export async function sinksCommand(name: string | undefined, options: GlobalOptions): Promise<number> {
  const ctx = await openContext(options, { readOnly: true });
  const publisher = new Publisher(ctx);
  try {
    const status = await publisher.status(name === undefined ? undefined : [name]);
    if (options.json) {
      printJson(
        status.map((s) => ({ ...s, lastPublishedAt: iso(s.lastPublishedAt), errors: s.errors.map((e) => ({ ...e, nextAttemptAt: iso(e.nextAttemptAt) })) })),
      );
      return 0;
    }
    if (status.length === 0) {
      console.log('No dataset declares sinks (sinks: [sink.sqlite({ … })] on a dataset).');
      return 0;
    }
    const rows = status.map((s) => ({
      dataset: s.dataset,
      sink: s.sink,
      target: s.target,
      partitions: s.partitions,
      published: s.published,
      behind: s.behind,
      failed: s.failed,
      'last published': iso(s.lastPublishedAt) ?? '-',
    }));
    console.log(formatTable(rows));
    for (const s of status) {
      for (const e of s.errors.slice(0, 10)) {
        console.log(
          `\n✗ ${s.dataset} → ${s.sink} ${e.key} (version ${e.version}, ${e.attempts} failed attempts, next at ${iso(e.nextAttemptAt) ?? '-'}):\n  ${e.error}`,
        );
      }
      if (s.errors.length > 10) console.log(`  … and ${s.errors.length - 10} more failed partitions of ${s.dataset} → ${s.sink}`);
    }
    if (status.some((s) => s.behind > 0 || s.failed > 0))
      console.log('\n`pond publish` publishes what is behind and retries the failures now (`pond up` does it every few seconds).');
    return 0;
  } finally {
    await publisher.close();
    await ctx.close();
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
