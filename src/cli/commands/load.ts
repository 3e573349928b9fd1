/** `pond load STREAM FILE`: appends a file of events to a stream's raw partitions. */
import { PondError } from '../../errors/index.ts';
import { loadFile } from '../../land/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';

export async function loadCommand(streamName: string, file: string, options: GlobalOptions): Promise<number> {
  const ctx = await openContext(options);
  try {
    const stream = ctx.project.streams.get(streamName);
    if (!stream) throw new PondError('NOT_FOUND', `unknown stream "${streamName}"`, { hint: `streams: ${[...ctx.project.streams.keys()].join(', ') || '(none)'}` });
    const summary = await loadFile(ctx, stream, file, {
      onProgress: (n) => {
        if (process.stderr.isTTY) process.stderr.write(`\rloading ${n} events…`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(40) + '\r');
    if (options.json) {
      printJson(summary);
    } else {
      console.log(`Loaded ${summary.accepted} of ${summary.events} events into ${summary.partitions} partition${summary.partitions === 1 ? '' : 's'} of ${streamName}.`);
      if (summary.deadLetters > 0) {
        console.log(`${summary.deadLetters} went to the dead letters (see \`pond query "select * from dead_letters"\`):`);
        for (const r of summary.reasons.slice(0, 10)) console.log(`  ${r}`);
      }
    }
    return 0;
  } finally {
    await ctx.close();
  }
}
