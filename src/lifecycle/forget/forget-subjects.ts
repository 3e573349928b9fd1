/**
 * Forgetting data subjects (crypto-shredding), in the order that keeps it
 * safe at every step:
 *
 * 1. One transaction records each request in the audit log (the subject by
 *    pseudonym only, who asked, when, why) and deletes the subject's key.
 *    From then on its ciphertexts in every raw version and backup are noise,
 *    every reader leaves its rows out or anonymizes them
 *    (privacy/forgotten/), and its later events land by the
 *    `privacy.forgotten` policy.
 * 2. The raw partitions that name the subject are found, and one transaction
 *    gives them a fresh sequence number (same version, same files: the raw
 *    lake is not rewritten) and records the derived partitions built from
 *    them. The planner sees those stale, as after late data, and rebuilds
 *    them — by `pond up`, `pond build` — without the subject.
 * 3. Once every one of them is rebuilt (`forgetProgress`), the versions they
 *    held when the request came are deleted with their files, as they still
 *    hold the subject's pseudonym or values (`completeForgetRequests`).
 *
 * A crash after step 1 leaves requests `recorded`: `startRecordedRequests`
 * (run by `pond forget`, `pond up` and `pond build`) takes them up again.
 *
 * A subject is forgotten once: asked again (any request for its pseudonym
 * exists, whatever its status), the answer is that request, and nothing is
 * recorded or rebuilt again.
 */
import { randomBytes } from 'node:crypto';
import { PondError } from '../../errors/index.ts';
import type { SubjectKeyRing } from '../../privacy/index.ts';
import type { ForgetRequest, ForgetStore } from '../../state/index.ts';
import { subjectPartitions, type FindDeps } from './subject-partitions.ts';

export interface ForgetDeps extends FindDeps {
  readonly state: FindDeps['state'] & ForgetStore;
  readonly ring: Pick<SubjectKeyRing, 'pseudonym' | 'evict'>;
}

export interface ForgetOptions {
  /** Why: the request's ground, e.g. "GDPR art. 17 request, ticket 4711". Must not contain the subject. */
  readonly reason: string;
  /** Who asked: an operator, or the API token's fingerprint. */
  readonly requestedBy: string;
  readonly now?: number;
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;

/** The request that forgets one subject: recorded now, or the one that forgot it before. */
export interface ForgetAnswer {
  readonly request: ForgetRequest;
  /** The subject was forgotten (or was being forgotten) by an earlier request: nothing new was recorded or rebuilt. */
  readonly alreadyForgotten: boolean;
}

/**
 * Records the requests, deletes the keys and marks what must be rebuilt.
 * Returns one answer per distinct subject, in their order, with the
 * requests as they stand (normally `rebuilding`, or `done` when nothing
 * derived held them); a subject already forgotten gets its earlier request.
 *
 * @example
 * const [{ request, alreadyForgotten }] = await forgetSubjects(deps, ['user-42'], { reason: 'GDPR art. 17, ticket 4711', requestedBy: 'dpo@example.com' });
 */
export async function forgetSubjects(deps: ForgetDeps, subjects: readonly string[], options: ForgetOptions): Promise<ForgetAnswer[]> {
  const now = options.now ?? Date.now();
  const answers = await recordForgetting(deps, subjects, { ...options, now });
  if (answers.some((a) => !a.alreadyForgotten)) await startRecordedRequests(deps, now);
  const current = new Map((await deps.state.forgetRequests({ ids: answers.map((a) => a.request.id) })).map((r) => [r.id, r]));
  return answers.map((a) => ({ ...a, request: current.get(a.request.id) ?? a.request }));
}

/**
 * Step 1 alone (the data API's request): validates, records the requests and
 * deletes the keys; `pond up` takes the requests on from there within seconds.
 * A subject already forgotten is answered with its earlier request.
 */
export async function recordForgetting(deps: Pick<ForgetDeps, 'state' | 'ring'>, subjects: readonly string[], options: ForgetOptions): Promise<ForgetAnswer[]> {
  const now = options.now ?? Date.now();
  const reason = options.reason.trim();
  const unique = [...new Set(subjects)];
  if (unique.length === 0)
    throw new PondError('BAD_ARGUMENT', 'name at least one data subject to forget', { hint: 'pond forget user-42 --reason "GDPR art. 17, ticket 4711"' });
  for (const subject of unique) {
    if (subject.trim() === '') throw new PondError('BAD_ARGUMENT', 'a data subject to forget is empty');
    if (reason.toLowerCase().includes(subject.toLowerCase())) {
      throw new PondError('BAD_ARGUMENT', 'the reason contains the data subject it forgets', {
        hint: 'the audit log keeps no personal data: give the ground and a ticket number, not the subject',
      });
    }
  }
  if (reason === '')
    throw new PondError('BAD_ARGUMENT', 'give a reason (--reason): the audit log records why each subject was forgotten', {
      hint: 'for example --reason "GDPR art. 17 request, ticket 4711"',
    });
  if (EMAIL.test(reason))
    throw new PondError('BAD_ARGUMENT', 'the reason contains an email address', {
      hint: 'the audit log keeps no personal data: refer to the request by its ticket number',
    });
  if (options.requestedBy.trim() === '') throw new PondError('BAD_ARGUMENT', 'say who asks (the audit log records it)');
  const pseudonyms = unique.map((subject) => deps.ring.pseudonym(subject));
  const earlier = await earlierRequests(deps.state, pseudonyms);
  const requests = pseudonyms
    .filter((p) => !earlier.has(p))
    .map((pseudonym) => ({ id: requestId(now), pseudonym, requestedAt: now, requestedBy: options.requestedBy, reason }));
  // The store leaves out a subject another caller recorded since (its request is read back below).
  const recorded = new Map((await deps.state.recordForgetRequests(requests)).map((r) => [r.pseudonym, r]));
  for (const r of recorded.values()) deps.ring.evict(r.pseudonym);
  const late = await earlierRequests(
    deps.state,
    pseudonyms.filter((p) => !earlier.has(p) && !recorded.has(p)),
  );
  return pseudonyms.map((p) => {
    const mine = recorded.get(p);
    if (mine) return { request: mine, alreadyForgotten: false };
    const theirs = earlier.get(p) ?? late.get(p);
    if (!theirs) throw new PondError('INTERNAL', 'a forget request was neither recorded nor found');
    return { request: theirs, alreadyForgotten: true };
  });
}

/** The first request of each pseudonym that has one: the one that forgot it. */
async function earlierRequests(state: ForgetDeps['state'], pseudonyms: readonly string[]): Promise<Map<string, ForgetRequest>> {
  const out = new Map<string, ForgetRequest>();
  for (const pseudonym of pseudonyms) {
    const requests = await state.forgetRequests({ pseudonym });
    const first = requests[requests.length - 1];
    if (first) out.set(pseudonym, first);
  }
  return out;
}

/**
 * Step 2 for every request still `recorded`: finds the raw partitions that
 * name their subjects and marks them changed. Returns how many requests it
 * started.
 */
export async function startRecordedRequests(deps: FindDeps & { readonly state: ForgetStore }, now = Date.now()): Promise<number> {
  const recorded = await deps.state.forgetRequests({ status: ['recorded'] });
  if (recorded.length === 0) return 0;
  const { raw, derived } = await subjectPartitions(deps, [...new Set(recorded.map((r) => r.pseudonym))]);
  await deps.state.startForgetRebuilds(
    recorded.map((r) => r.id),
    raw,
    derived,
    now,
  );
  return recorded.length;
}

/** `fgt_` + time + randomness: sortable by time, unique without coordination. */
function requestId(now: number): string {
  return `fgt_${now.toString(36)}_${randomBytes(5).toString('hex')}`;
}
