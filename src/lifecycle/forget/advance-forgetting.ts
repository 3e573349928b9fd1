/**
 * What `pond up` and `pond build` do for open forget requests on each round:
 * take up those only recorded (the data API records; a crash may interrupt),
 * and finish those whose rebuilds are done. Two indexed reads when nothing is
 * open.
 */
import { completeForgetRequests, type CompleteDeps } from './forget-progress.ts';
import { startRecordedRequests } from './forget-subjects.ts';
import type { FindDeps } from './subject-partitions.ts';
import { recordVerifications } from './verify-subject.ts';

export interface ForgettingAdvance {
  /** Requests whose rebuilds were started. */
  readonly started: number;
  /** Requests completed (every rebuild done, the superseded versions deleted), each verified by pseudonym. */
  readonly completed: number;
}

/**
 * @example
 * const { started, completed } = await advanceForgetting(ctx);
 */
export async function advanceForgetting(deps: FindDeps & CompleteDeps, now = Date.now()): Promise<ForgettingAdvance> {
  const started = await startRecordedRequests(deps, now);
  const completed = await completeForgetRequests(deps, now);
  // The proof, recorded with each request: a scan for the pseudonym (the only identifier the audit log knows).
  await recordVerifications(deps, completed, now);
  return { started, completed: completed.length };
}
