/** `pond load STREAM FILE`: appends a file of events to a stream's raw partitions. */
import { PondError } from '../../errors/index.ts';
import { loadFile } from '../../land/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';

export async function loadCommand(streamName: string, file: string, options: GlobalOptions): Promise<number> {
  const ctx = await openContext(options);
  try {
    const stream = ctx.project.streams.get(streamName);
    if (!stream)
      throw new PondError('NOT_FOUND', `unknown stream "${streamName}"`, { hint: `streams: ${[...ctx.project.streams.keys()].join(', ') || '(none)'}` });
    const summary = await loadFile(ctx, stream, file, {
      onProgress: (n) => {
        if (process.stderr.isTTY) process.stderr.write(`\rloading ${n} events…`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(40) + '\r');
    if (options.json) {
      printJson(summary);
    } else {
      console.log(
        `Loaded ${summary.accepted} of ${summary.events} events into ${summary.partitions} partition${summary.partitions === 1 ? '' : 's'} of ${streamName}.`,
      );
      if (summary.deadLetters > 0) {
        console.log(`${summary.deadLetters} went to the dead letters (see \`pond query "select * from dead_letters"\`):`);
        for (const r of summary.reasons.slice(0, 10)) console.log(`  ${r}`);
      }
      if (summary.withheld > 0)
        console.log(`${summary.withheld} named no data subject (or a forgotten one): their personal fields landed as null, never in clear.`);
      if (summary.dropped > 0) console.log(`${summary.dropped} belonged to forgotten data subjects and were left out (privacy.forgotten: 'drop').`);
      if (summary.quarantined.length > 0) {
        console.log(
          `${summary.quarantined.length} new raw version${summary.quarantined.length === 1 ? '' : 's'} failed the stream's checks and ${summary.quarantined.length === 1 ? 'was' : 'were'} quarantined (kept, not in use; their partitions are marked failed and their dependants wait):`,
        );
        for (const q of summary.quarantined.slice(0, 10)) console.log(`  ${q.key}: ${q.error}`);
      }
    }
    // The events are kept, but not in use: the work did not do what was asked.
    return summary.quarantined.length > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
