/**
 * `pond checks [NAME] [--failed]`: the check results of every version, newest
 * first, kept for good; with `--failed`, each failure with its sample of
 * failing rows (key columns first), so the rows behind a failure can be found.
 */
import { nodeOf } from '../../config/index.ts';
import { parsePartitionKey, partitionKey } from '../../partition/index.ts';
import { PondError } from '../../errors/index.ts';
import type { CheckResult } from '../../state/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

export interface ChecksOptions extends GlobalOptions {
  failed?: boolean;
  partition?: string;
  version?: string;
  limit?: string;
}

export async function checksCommand(name: string | undefined, options: ChecksOptions): Promise<number> {
  const limit = options.limit === undefined ? 50 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new PondError('BAD_ARGUMENT', `--limit must be a whole number ≥ 1, got ${options.limit}`);
  const ctx = await openContext(options, { readOnly: true });
  try {
    const { project, state } = ctx;
    if (name !== undefined && !project.datasets.has(name) && !project.streams.has(name)) {
      throw new PondError('NOT_FOUND', `no stream or dataset named "${name}"`, {
        hint: `known: ${[...project.streams.keys(), ...project.datasets.keys()].join(', ')}`,
      });
    }
    let idx: number | undefined;
    if (options.partition !== undefined) {
      const node = name === undefined ? undefined : nodeOf(project, name);
      if (!node) throw new PondError('BAD_ARGUMENT', '--partition needs a stream or dataset name');
      idx = parsePartitionKey(node.partitioning, options.partition);
      if (idx === undefined) {
        throw new PondError('BAD_ARGUMENT', `"${options.partition}" is not a partition key of ${name}`, {
          hint: `${name} has keys like ${partitionKey(node.partitioning, node.partitioning.kind === 'none' ? 0 : node.partitioning.grain.index(Date.now()))}`,
        });
      }
    }
    const results = await state.checkResults({ dataset: name, idx, versionId: options.version, failed: options.failed, limit });
    if (options.json) {
      printJson(results);
      return 0;
    }
    if (results.length === 0) {
      const what = options.failed ? 'failed checks' : 'check results';
      console.log(
        `No ${what}${name ? ` for ${name}` : ''}.${project.datasets.size + project.streams.size > 0 && !options.failed ? ' Declare checks with `checks: [check.notNull(…), …]` on a stream or dataset.' : ''}`,
      );
      return 0;
    }
    if (!options.failed) {
      console.log(formatTable(results.map(summaryRow)));
      return 0;
    }
    for (const r of results) printFailure(r);
    return 0;
  } finally {
    await ctx.close();
  }
}

function summaryRow(r: CheckResult): Record<string, unknown> {
  return {
    dataset: r.dataset,
    partition: r.key,
    check: r.check,
    severity: r.severity,
    status: r.status === 'pass' ? 'pass' : r.severity === 'warn' ? 'WARN' : r.status === 'error' ? 'ERROR' : 'FAIL',
    observed: r.observed ?? r.message,
    expected: r.threshold,
    version: `${r.versionId}${versionNote(r)}`,
    checked: new Date(r.checkedAt).toISOString().slice(0, 19) + 'Z',
  };
}

function versionNote(r: CheckResult): string {
  if (r.versionState === 'quarantined') return ' (quarantined)';
  if (r.current) return ' (current)';
  return r.versionState === 'committed' ? ' (replaced)' : '';
}

function printFailure(r: CheckResult): void {
  const mark = r.severity === 'warn' ? '!' : '✗';
  console.log(`${mark} ${r.dataset} ${r.key}  ${r.check}  [${r.severity}${r.status === 'error' ? ', could not run' : ''}]`);
  if (r.observed !== null) console.log(`    observed: ${r.observed}`);
  if (r.threshold !== null) console.log(`    expected: ${r.threshold}`);
  if (r.message) console.log(`    ${r.message}`);
  console.log(`    version ${r.versionId}${versionNote(r)}, checked ${new Date(r.checkedAt).toISOString()}${r.runId ? `, run ${r.runId}` : ''}`);
  if (r.sample.length > 0) {
    const keys = r.keyColumns.length > 0 ? ` (key: ${r.keyColumns.join(', ')})` : '';
    console.log(`    failing rows, first ${r.sample.length} of ${r.failingRows}${keys}:`);
    console.log(formatTable(r.sample).replace(/^/gm, '      '));
  }
  console.log('');
}
