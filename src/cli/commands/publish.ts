/**
 * `pond publish [DATASET…]`: publishes to their sinks the partitions whose
 * current version a sink does not hold yet — never published, rebuilt since,
 * or failed earlier (retried now, without waiting for the backoff); with
 * --force, every partition again. Exit 1
 * when a publish failed; each failure is recorded and `pond sinks` shows it.
 */
import { Publisher } from '../../sink/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';

export async function publishCommand(names: readonly string[], options: GlobalOptions & { force?: boolean }): Promise<number> {
  const ctx = await openContext(options, { readOnly: true });
  const publisher = new Publisher(ctx);
  try {
    const summary = await publisher.catchUp({
      datasets: names,
      ignoreBackoff: true,
      force: options.force,
      onResult: (r) => {
        if (options.json) return;
        if (r.error) console.log(`✗ ${r.dataset} → ${r.sink} ${r.key}: ${r.error.describe()}`);
        else console.log(`✓ ${r.dataset} → ${r.sink} ${r.key} (${r.rows} rows, ${r.ms} ms)`);
      },
    });
    if (options.json) {
      printJson({
        published: summary.published,
        failed: summary.failed,
        results: summary.results.map((r) => ({
          dataset: r.dataset,
          sink: r.sink,
          partition: r.key,
          version: r.versionId,
          rows: r.rows,
          ms: r.ms,
          error: r.error?.toJSON() ?? null,
        })),
      });
    } else if (summary.results.length === 0) console.log('Every sink holds the current version of every partition.');
    else
      console.log(
        `Published ${summary.published} partition${summary.published === 1 ? '' : 's'}${summary.failed ? `; ${summary.failed} failed (recorded; see pond sinks)` : ''}.`,
      );
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await publisher.close();
    await ctx.close();
  }
}
