/** `pond runs [RUN_ID]`: recent runs with their outcome; one run's log. */
import { PondError } from '../../errors/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

export async function runsCommand(runId: string | undefined, options: GlobalOptions & { failed?: boolean; dataset?: string; limit?: string }): Promise<number> {
  const ctx = await openContext(options, { readOnly: true });
  try {
    if (runId) {
      const run = await ctx.state.getRun(runId);
      if (!run) throw new PondError('NOT_FOUND', `no run ${runId}`);
      const logs = await ctx.state.runLogs(runId);
      if (options.json) printJson({ run, logs });
      else {
        console.log(formatTable([{ ...run }]));
        console.log('');
        for (const l of logs) console.log(`${new Date(l.at).toISOString()} ${l.level.padEnd(5)} ${l.message}`);
      }
      return 0;
    }
    const limit = options.limit === undefined ? 50 : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new PondError('BAD_ARGUMENT', `--limit ${options.limit} is not a whole number ≥ 1`);
    const runs = await ctx.state.listRuns({ dataset: options.dataset, status: options.failed ? 'failed' : undefined, limit });
    if (options.json) {
      printJson(runs);
      return 0;
    }
    if (runs.length === 0) {
      console.log(options.failed ? 'No failed runs.' : 'No runs yet.');
      return 0;
    }
    console.log(
      formatTable(
        runs.map((r) => ({
          run: r.id.slice(0, 8),
          dataset: r.dataset,
          partition: r.key,
          status: r.status,
          cause: r.reason,
          attempt: r.attempt,
          started: new Date(r.startedAt).toISOString(),
          ms: r.finishedAt === null ? '' : r.finishedAt - r.startedAt,
          error: r.error?.split('\n')[0] ?? '',
        })),
      ),
    );
    if (options.failed) {
      for (const r of runs) console.log(`\n${r.dataset} ${r.key} (run ${r.id}):\n  ${r.error?.replaceAll('\n', '\n  ')}`);
    }
    console.log("\nShow a run's log with `pond runs RUN_ID` (the full id is in --json).");
    return 0;
  } finally {
    await ctx.close();
  }
}
