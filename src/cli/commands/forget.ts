/**
 * `pond forget SUBJECT… --reason R`: forgets data subjects (their keys are
 * deleted, their raw rows are no longer read, and what was derived from them
 * is rebuilt without them; see lifecycle/forget/). `pond forget --status
 * [SUBJECT]` shows the requests, newest first, until their rebuilds are done
 * and after: the audit log.
 */
import { userInfo } from 'node:os';
import { PondError } from '../../errors/index.ts';
import { forgetProgress, forgetProgressJson, forgetSubjects } from '../../lifecycle/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

export interface ForgetCommandOptions extends GlobalOptions {
  reason?: string;
  by?: string;
  status?: boolean;
  limit?: string;
}

export async function forgetCommand(subjects: string[], options: ForgetCommandOptions): Promise<number> {
  if (options.status) return statusOf(subjects, options);
  if (subjects.length === 0) throw new PondError('BAD_ARGUMENT', 'name the data subjects to forget (their identifier, such as a user id)', { hint: 'pond forget user-42 --reason "GDPR art. 17 request, ticket 4711"; pond forget --status lists the requests' });
  if (options.reason === undefined) throw new PondError('BAD_ARGUMENT', 'give --reason: the audit log records why each subject was forgotten', { hint: 'for example --reason "GDPR art. 17 request, ticket 4711" (no personal data in it)' });
  const ctx = await openContext(options);
  try {
    const ring = await ctx.keyRing();
    const requests = await forgetSubjects({ ...ctx, ring }, subjects, { reason: options.reason, requestedBy: options.by ?? `${userInfo().username} (pond forget)` });
    const progress = await forgetProgress(ctx.state, requests);
    if (options.json) {
      printJson({ requests: progress.map(forgetProgressJson) });
      return 0;
    }
    for (const p of progress) {
      const r = p.request;
      const had = r.hadKey ? 'its key is deleted' : 'it had no data yet; it never will get a key';
      console.log(`Forgot a data subject: request ${r.id} (${had}).`);
      console.log(`  Its events in ${r.rawPartitions ?? 0} raw partition${r.rawPartitions === 1 ? '' : 's'} stay in the lake as ciphertext nobody can read, and no reader sees them (privacy.forgotten: '${ctx.project.privacy.forgotten}').`);
      if (p.partitions > p.rebuilt) console.log(`  ${p.partitions - p.rebuilt} derived partition${p.partitions - p.rebuilt === 1 ? '' : 's'} held it: \`pond up\` or \`pond build\` rebuilds them without it. \`pond forget --status\` follows the request.`);
      else console.log('  No derived partition held it: the request is complete once `pond up` or `pond build` next runs.');
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

async function statusOf(subjects: readonly string[], options: ForgetCommandOptions): Promise<number> {
  const limit = options.limit === undefined ? 50 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new PondError('BAD_ARGUMENT', `--limit ${options.limit} is not a whole number ≥ 1`);
  const ctx = await openContext(options, { readOnly: true });
  try {
    const requests = [];
    if (subjects.length === 0) requests.push(...(await ctx.state.forgetRequests({ limit })));
    else {
      const ring = await ctx.keyRing();
      for (const s of subjects) requests.push(...(await ctx.state.forgetRequests({ pseudonym: ring.pseudonym(s), limit })));
    }
    const progress = await forgetProgress(ctx.state, requests);
    if (options.json) {
      printJson({ requests: progress.map(forgetProgressJson) });
      return 0;
    }
    if (progress.length === 0) {
      console.log(subjects.length === 0 ? 'No data subject was forgotten in this project.' : 'No request to forget these subjects.');
      return 0;
    }
    const rows = progress.map((p) => ({
      request: p.request.id,
      status: p.request.status,
      rebuilt: `${p.rebuilt}/${p.partitions}${p.failed ? ` (${p.failed} failed)` : ''}`,
      requested: new Date(p.request.requestedAt).toISOString().slice(0, 19).replace('T', ' '),
      by: p.request.requestedBy,
      reason: p.request.reason,
      completed: p.request.completedAt === null ? '' : new Date(p.request.completedAt).toISOString().slice(0, 19).replace('T', ' '),
    }));
    console.log(formatTable(rows));
    const waiting = progress.filter((p) => p.waiting.length > 0);
    for (const p of waiting) console.log(`\n${p.request.id} waits for: ${p.waiting.join(', ')}${p.partitions - p.rebuilt > p.waiting.length ? ', …' : ''}`);
    if (waiting.length > 0) console.log('\n`pond up` or `pond build` rebuilds them; a failed one needs its cause fixed (`pond runs --failed`).');
    return 0;
  } finally {
    await ctx.close();
  }
}
