/**
 * `pond query "SQL"`: SQL over the current versions of every stream and
 * dataset. With `--decrypt`, personal data is read in clear wherever the
 * query reads it (see query/clear-views.ts), and the result's remaining
 * ciphertext (a dataset's encrypted columns) is decrypted whole.
 */
import { PondError } from '../../errors/index.ts';
import { decryptRows } from '../../privacy/index.ts';
import { clearInputsOf, createClearViews, createLakeViews } from '../../query/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatCsv, formatTable, printJson } from '../output.ts';

export async function queryCommand(sql: string, options: GlobalOptions & { format?: string; decrypt?: boolean }): Promise<number> {
  const format = options.json ? 'json' : (options.format ?? 'table');
  if (!['table', 'json', 'csv'].includes(format)) throw new PondError('BAD_ARGUMENT', `--format ${format} is not one of table, json, csv`);
  const ctx = await openContext(options, { readOnly: true });
  try {
    const session = await ctx.engine.connect();
    try {
      const unbuilt = await createLakeViews(session, ctx.project, ctx.state, ctx.lake);
      let withoutKey = () => 0;
      if (options.decrypt) {
        const inputs = await clearInputsOf(session, ctx.project, sql);
        if (inputs.streams.length > 0 || inputs.deadLetters)
          ({ withoutKey } = await createClearViews(session, ctx.project, ctx.state, ctx.lake, await ctx.keyRing(), inputs));
      }
      let rows;
      let columns;
      try {
        columns = (await session.describe(sql)).map((c) => c.name);
        rows = await session.rows(sql);
      } catch (error) {
        const views = `views: ${[...ctx.project.streams.keys(), ...ctx.project.datasets.keys(), 'dead_letters'].join(', ')}`;
        const hint = unbuilt.length > 0 ? `${views}; not built yet, so without columns: ${unbuilt.join(', ')} (run \`pond build\`)` : views;
        throw new PondError('BAD_ARGUMENT', `query failed: ${(error as Error).message}`, { hint });
      }
      if (options.decrypt) {
        const shown = await decryptRows(rows, ctx.project, await ctx.keyRing());
        if (shown.unreadable > 0) {
          const names = shown.unreadableColumns.map((c) => `"${c}"`).join(', ');
          throw new PondError(
            'BAD_ARGUMENT',
            `column ${names} holds ciphertext that no key reads (${shown.unreadable} value${shown.unreadable === 1 ? '' : 's'}): it was changed by an expression of the query, over an encrypted column of a dataset`,
            {
              hint: "--decrypt reads a stream's personal fields in clear before the query, whatever it does with them, but a dataset's encrypted column only whole: select the column itself (and work on the output), or read it from its stream",
            },
          );
        }
        rows = shown.rows;
        const forgotten = shown.forgotten + withoutKey();
        if (forgotten > 0)
          console.error(`${forgotten} value${forgotten === 1 ? '' : 's'} of forgotten (or unknown) data subjects shown as null: their keys are gone.`);
      }
      if (format === 'json') printJson(rows);
      else if (format === 'csv') console.log(formatCsv(rows, columns));
      else console.log(`${formatTable(rows, columns)}\n(${rows.length} row${rows.length === 1 ? '' : 's'})`);
      return 0;
    } finally {
      session.close();
    }
  } finally {
    await ctx.close();
  }
}
