/** `pond runs [RUN_ID]`: recent runs with their outcome; one run's log, by its id or the short id the list prints. */
import { PondError } from '../../errors/index.ts';
import type { Run, RunLog } from '../../state/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

export async function runsCommand(runId: string | undefined, options: GlobalOptions & { failed?: boolean; dataset?: string; limit?: string }): Promise<number> {
  const ctx = await openContext(options, { readOnly: true });
  try {
    if (runId) {
      const run = await findRun(ctx.state, runId);
      const logs = await ctx.state.runLogs(run.id);
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
    console.log("\nShow a run's log with `pond runs RUN_ID` (the short id above will do).");
    return 0;
  } finally {
    await ctx.close();
  }
}

/** How many of the newest runs a short id is looked for among. */
const SHORT_ID_SEARCH = 100_000;

/**
 * The run `id` names: a whole run id, or the start of one (the 8 characters
 * `pond runs` prints) when exactly one of the newest runs starts with it.
 */
export async function findRun(state: RunLog, id: string): Promise<Run> {
  const exact = await state.getRun(id);
  if (exact) return exact;
  const prefix = id.trim().toLowerCase();
  const matches = prefix.length >= 4 ? (await state.listRuns({ limit: SHORT_ID_SEARCH })).filter((r) => r.id.startsWith(prefix)) : [];
  if (matches.length === 1) return matches[0] as Run;
  if (matches.length > 1)
    throw new PondError('BAD_ARGUMENT', `run id ${id} is the start of ${matches.length} runs' ids`, {
      hint: `give more of it: ${matches
        .slice(0, 5)
        .map((r) => `${r.id} (${r.dataset} ${r.key})`)
        .join(', ')}`,
    });
  throw new PondError('NOT_FOUND', `no run ${id}`, {
    hint: prefix.length < 4 ? 'give at least the 8 characters `pond runs` prints' : '`pond runs` lists recent runs with their short ids',
  });
}
