/**
 * `pond export-subject SUBJECT [--out FILE]`: the right of access (GDPR art.
 * 15) — everything Pond holds about one data subject, decrypted, as one JSON
 * document (see privacy/export-subject.ts). The document is personal data in
 * clear: `--out` writes it readable by its owner only, and whole or not at
 * all.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import { exportSubject, type SubjectExport } from '../../privacy/index.ts';
import { createLakeViews } from '../../query/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';

export async function exportSubjectCommand(subject: string, options: GlobalOptions & { out?: string }): Promise<number> {
  if (subject.trim() === '')
    throw new PondError('BAD_ARGUMENT', 'the subject is empty', {
      hint: 'give the clear identifier of the data subject, as events carry it: pond export-subject user-42',
    });
  const ctx = await openContext(options, { readOnly: true });
  let exported: SubjectExport;
  try {
    const session = await ctx.engine.connect();
    try {
      await createLakeViews(session, ctx.project, ctx.state, ctx.lake);
      exported = await exportSubject(subject, { project: ctx.project, session, ring: await ctx.keyRing(), state: ctx.state });
    } finally {
      session.close();
    }
  } finally {
    await ctx.close();
  }
  const text = `${JSON.stringify(exported, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
  if (options.out) await writePrivateFile(path.resolve(options.out), text);
  else process.stdout.write(text);
  console.error(summary(exported, options.out));
  return 0;
}

function summary(doc: SubjectExport, out: string | undefined): string {
  const total = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const rows = total(doc.counts.streams) + total(doc.counts.deadLetters) + total(doc.counts.datasets);
  const where = out ? ` to ${out}` : '';
  const lines: string[] = [];
  if (doc.status === 'unknown')
    lines.push(`Data subject "${doc.subject}" is unknown to Pond (no key for ${doc.pseudonym}): no event naming them has landed encrypted.`);
  if (doc.status === 'forgotten') lines.push(`Data subject "${doc.subject}" was forgotten: their encrypted values show as null.`);
  const parts = [
    plural(total(doc.counts.streams), 'stream row'),
    plural(total(doc.counts.deadLetters), 'dead letter'),
    plural(total(doc.counts.datasets), 'dataset row'),
  ];
  lines.push(
    rows === 0
      ? `Nothing found about "${doc.subject}"; exported an empty document${where}.`
      : `Exported ${parts.join(', ')} about "${doc.subject}" (${doc.pseudonym})${where}.`,
  );
  if (doc.unreadable > 0) lines.push(`${plural(doc.unreadable, 'value')} could not be decrypted (their subject's key is gone) and show as null.`);
  return lines.join('\n');
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Writes `file` with mode 0600, through a temporary name: it exists only once it is complete. */
async function writePrivateFile(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, content, { flag: 'wx', mode: 0o600 });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw new PondError('BAD_ARGUMENT', `cannot write ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: '--out names a file in a folder that exists and that you can write to',
    });
  }
}
