/** `pond gc`: deletes lake files that no committed version references. */
import { parseDuration } from '../../define/index.ts';
import { PondError } from '../../errors/index.ts';
import { collectGarbage } from '../../lake/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';

export async function gcCommand(options: GlobalOptions & { dryRun?: boolean; grace?: string }): Promise<number> {
  const grace = parseDuration(options.grace ?? '1h');
  if (grace === undefined) throw new PondError('BAD_ARGUMENT', `--grace ${options.grace} is not a duration`, { hint: "such as '0s', '10m' or '1h'" });
  const ctx = await openContext(options, { readOnly: true });
  try {
    const report = await collectGarbage(ctx.lake, { knownPrefixes: await ctx.state.versionPrefixes(), keepNewerThan: Date.now() - grace, dryRun: options.dryRun });
    if (options.json) printJson(report);
    else {
      const verb = options.dryRun ? 'Would delete' : 'Deleted';
      console.log(`${verb} ${report.deletedObjects} of ${report.scannedObjects} objects (${report.deletedBytes} bytes) that no committed version references.`);
      for (const key of report.deleted.slice(0, 20)) console.log(`  ${key}`);
      if (report.deleted.length > 20) console.log(`  … and ${report.deleted.length - 20} more`);
    }
    return 0;
  } finally {
    await ctx.close();
  }
}
