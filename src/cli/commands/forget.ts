/**
 * `pond forget SUBJECT… --reason R`: forgets data subjects (their keys are
 * deleted, their raw rows are no longer read, and what was derived from them
 * is rebuilt without them; see lifecycle/forget/). A subject already
 * forgotten is answered with the request that forgot it. `pond forget
 * --status [SUBJECT]` shows the requests, newest first, until their rebuilds
 * are done and after: the audit log, with each request's last verification.
 * `pond forget --verify SUBJECT…` scans the lake and the state for what of
 * the subjects survives, reports where (exit 1 when anything does) and
 * records the result with each subject's request.
 */
import { userInfo } from 'node:os';
import { PondError } from '../../errors/index.ts';
import {
  forgetProgress,
  forgetRequestJson,
  forgetSubjects,
  storedVerification,
  verificationSummary,
  verifySubjects,
  type SubjectVerification,
} from '../../lifecycle/index.ts';
import type { ForgetFinding, ForgetRequest } from '../../state/index.ts';
import { openContext, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

export interface ForgetCommandOptions extends GlobalOptions {
  reason?: string;
  by?: string;
  status?: boolean;
  verify?: boolean;
  limit?: string;
}

export async function forgetCommand(subjects: string[], options: ForgetCommandOptions): Promise<number> {
  if (options.status && options.verify)
    throw new PondError('BAD_ARGUMENT', '--status and --verify do not go together', {
      hint: 'pond forget --status lists the requests with their last verification; pond forget --verify SUBJECT scans again',
    });
  if (options.status) return statusOf(subjects, options);
  if (options.verify) return verify(subjects, options);
  if (subjects.length === 0)
    throw new PondError('BAD_ARGUMENT', 'name the data subjects to forget (their identifier, such as a user id)', {
      hint: 'pond forget user-42 --reason "GDPR art. 17 request, ticket 4711"; pond forget --status lists the requests',
    });
  if (options.reason === undefined)
    throw new PondError('BAD_ARGUMENT', 'give --reason: the audit log records why each subject was forgotten', {
      hint: 'for example --reason "GDPR art. 17 request, ticket 4711" (no personal data in it)',
    });
  const ctx = await openContext(options);
  try {
    const ring = await ctx.keyRing();
    const answers = await forgetSubjects({ ...ctx, ring }, subjects, {
      reason: options.reason,
      requestedBy: options.by ?? `${userInfo().username} (pond forget)`,
    });
    const progress = await forgetProgress(
      ctx.state,
      answers.map((a) => a.request),
    );
    if (options.json) {
      printJson({ requests: progress.map((p, i) => forgetRequestJson(p, answers[i]?.alreadyForgotten)) });
      return 0;
    }
    for (const [i, p] of progress.entries()) {
      const r = p.request;
      if (answers[i]?.alreadyForgotten) {
        const done = r.completedAt === null ? '' : `, completed ${day(r.completedAt)}`;
        console.log(
          `${answers.length > 1 ? `Subject ${i + 1}: a` : 'A'}lready forgotten by request ${r.id} on ${day(r.requestedAt)} (status ${r.status}${done}): nothing new is recorded or rebuilt.`,
        );
        if (r.status !== 'done') console.log('  `pond up` or `pond build` finishes it; `pond forget --status` follows it.');
        continue;
      }
      const had = r.hadKey ? 'its key is deleted' : 'it had no data yet; it never will get a key';
      console.log(`Forgot a data subject: request ${r.id} (${had}).`);
      console.log(
        `  Its events in ${r.rawPartitions ?? 0} raw partition${r.rawPartitions === 1 ? '' : 's'} stay in the lake as ciphertext nobody can read, and no reader sees them (privacy.forgotten: '${ctx.project.privacy.forgotten}').`,
      );
      if (p.partitions > p.rebuilt)
        console.log(
          `  ${p.partitions - p.rebuilt} derived partition${p.partitions - p.rebuilt === 1 ? '' : 's'} held it: \`pond up\` or \`pond build\` rebuilds them without it. \`pond forget --status\` follows the request.`,
        );
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
      printJson({ requests: progress.map((p) => forgetRequestJson(p)) });
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
      verified: verificationSummary(p.request.verification),
    }));
    console.log(formatTable(rows));
    const waiting = progress.filter((p) => p.waiting.length > 0);
    for (const p of waiting) console.log(`\n${p.request.id} waits for: ${p.waiting.join(', ')}${p.partitions - p.rebuilt > p.waiting.length ? ', …' : ''}`);
    if (waiting.length > 0) console.log('\n`pond up` or `pond build` rebuilds them; a failed one needs its cause fixed (`pond runs --failed`).');
    if (progress.some((p) => (p.request.verification?.total ?? 0) > 0))
      console.log('\nA verification found something of a subject: `pond forget --verify SUBJECT` shows where (`--json` for every place).');
    return 0;
  } finally {
    await ctx.close();
  }
}

/** `pond forget --verify SUBJECT…`: 0 when nothing of any subject is left, 1 when something is (or the scan failed). */
async function verify(subjects: readonly string[], options: ForgetCommandOptions): Promise<number> {
  if (subjects.length === 0)
    throw new PondError('BAD_ARGUMENT', 'name the data subjects to verify (their identifier, such as a user id)', { hint: 'pond forget --verify user-42' });
  if (options.reason !== undefined || options.by !== undefined)
    throw new PondError('BAD_ARGUMENT', '--verify forgets nothing: it takes no --reason or --by', { hint: 'pond forget --verify user-42' });
  const unique = [...new Set(subjects)];
  if (unique.some((s) => s.trim() === '')) throw new PondError('BAD_ARGUMENT', 'a data subject to verify is empty');
  const ctx = await openContext(options, { readOnly: true });
  try {
    const ring = await ctx.keyRing();
    const results = await verifySubjects(
      ctx,
      unique.map((subject) => ({ pseudonym: ring.pseudonym(subject), subject })),
    );
    const requests: (ForgetRequest | null)[] = [];
    for (const v of results) {
      // Recorded with the subject's latest request: the audit log keeps what the last look found.
      const [request] = await ctx.state.forgetRequests({ pseudonym: v.pseudonym, limit: 1 });
      if (request) await ctx.state.recordForgetVerification(request.id, storedVerification(v));
      requests.push(request ?? null);
    }
    const failed = results.some((v) => v.total > 0 || v.error !== null);
    if (options.json) {
      printJson({
        subjects: results.map((v, i) => ({
          pseudonym: v.pseudonym,
          request: requests[i]?.id ?? null,
          verifiedAt: new Date(v.at).toISOString(),
          lookedFor: v.lookedFor,
          nothingLeft: v.total === 0 && v.error === null,
          total: v.total,
          rows: v.findings.reduce((n, f) => n + f.rows, 0),
          findings: v.findings,
          scanned: v.scanned,
          error: v.error,
        })),
      });
      return failed ? 1 : 0;
    }
    const scanned = results[0]?.scanned;
    console.log(
      `Looked for the clear identifier and the pseudonym of ${unique.length} data subject${unique.length === 1 ? '' : 's'} in every column of ${scanned?.versions ?? 0} current versions (${scanned?.files ?? 0} files) of the streams, dead letters and datasets, and in the state's row samples, logs, errors and message ids.`,
    );
    for (const [i, v] of results.entries())
      printVerification(v, requests[i] ?? null, unique.length > 1 ? `Subject ${i + 1} (${v.pseudonym})` : `The subject (${v.pseudonym})`);
    return failed ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

function printVerification(v: SubjectVerification, request: { id: string; status: string } | null, who: string): void {
  const of = request ? `forgotten by request ${request.id} (${request.status})` : 'not forgotten (no forget request names it)';
  const places = `${v.total} place${v.total === 1 ? '' : 's'}`;
  if (v.error !== null) console.log(`\n${who}, ${of}: the scan failed (${v.error}); what it found before is below.`);
  else if (v.total === 0) console.log(`\n${who}, ${of}: ${request ? 'nothing left' : 'nothing found'}.`);
  else console.log(`\n${who}, ${of}: ${request ? `${places} still hold${v.total === 1 ? 's' : ''} it` : `found in ${places}`}:`);
  if (v.findings.length > 0) console.log(formatTable(v.findings.map(findingRow)));
  if (!request) return;
  if (v.total > 0)
    console.log(
      'Derived partitions are rebuilt by `pond up` or `pond build`; anything else is a leak to fix at its source (an undeclared column, a generator, a log), then rebuild or remove the version.',
    );
  console.log(`Recorded with request ${request.id} (\`pond forget --status\`).`);
}

function findingRow(f: ForgetFinding): Record<string, unknown> {
  return {
    where: f.area === 'state' ? `state ${f.name}` : `${f.area} ${f.name}`,
    partition: f.area === 'state' ? (f.dataset === null ? '' : `${f.dataset}${f.key === null ? '' : ` ${f.key}`}`) : (f.key ?? ''),
    version: f.versionId ?? '',
    column: f.column,
    value: f.value === 'clear identifier' ? 'the clear identifier' : 'the pseudonym',
    rows: f.rows,
  };
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
