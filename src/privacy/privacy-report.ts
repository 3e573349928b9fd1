/**
 * What `pond privacy --json` and `GET /api/privacy` answer: the streams and
 * datasets holding personal data, and the names of the others.
 */
import type { NodePrivacy } from './classify-project.ts';

export interface PrivacyReport {
  /** Nodes with a classified column, or that read personal data in clear (`decrypt`), in project order. */
  readonly personalData: readonly NodePrivacy[];
  readonly noPersonalData: readonly string[];
}

/**
 * @example
 * privacyReport(await classifyProject(project, parse)).personalData.map((n) => n.name) // ['users', 'user_events', …]
 */
export function privacyReport(privacy: ReadonlyMap<string, NodePrivacy>): PrivacyReport {
  const all = [...privacy.values()];
  // A dataset that decrypts its inputs is listed even when no output column is classified: it reads personal data in clear.
  const holds = (n: NodePrivacy) => n.columns.length > 0 || n.decrypts.length > 0;
  return { personalData: all.filter(holds), noPersonalData: all.filter((n) => !holds(n)).map((n) => n.name) };
}
