/**
 * A forget request as `pond forget --json`, `pond forget --status --json`
 * and the data API answer it: its progress (forgetProgressJson), its last
 * verification, and whether the subject had been forgotten before.
 */
import type { ForgetProgress } from './forget-progress.ts';
import { forgetProgressJson } from './forget-progress.ts';
import { verificationJson } from './verify-subject.ts';

/**
 * @example
 * const [p] = await forgetProgress(state, [request]);
 * forgetRequestJson(p, true) // { id: 'fgt_…', status: 'done', …, verification: { nothingLeft: true, … }, alreadyForgotten: true }
 */
export function forgetRequestJson(p: ForgetProgress, alreadyForgotten = false) {
  return { ...forgetProgressJson(p), verification: verificationJson(p.request.verification), alreadyForgotten };
}
