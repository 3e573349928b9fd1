/** What changed between two loads of a project, in one line for `pond up`'s log. */
import type { Project } from '../config/index.ts';

export function describeChange(before: Project, after: Project): string {
  const parts: string[] = [];
  const diff = (what: string, a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>) => {
    const added = [...b.keys()].filter((k) => !a.has(k));
    const removed = [...a.keys()].filter((k) => !b.has(k));
    if (added.length > 0) parts.push(`${what} added: ${added.join(', ')}`);
    if (removed.length > 0) parts.push(`${what} removed: ${removed.join(', ')}`);
  };
  diff('streams', before.streams, after.streams);
  diff('datasets', before.datasets, after.datasets);
  const recoded = [...after.datasets.values()].filter((d) => {
    const was = before.datasets.get(d.name);
    return was !== undefined && was.codeFingerprint !== d.codeFingerprint;
  });
  if (recoded.length > 0)
    parts.push(
      `new code for ${recoded.map((d) => d.name).join(', ')} (${recoded.some((d) => d.onCodeChange === 'rebuild') ? 'their partitions are rebuilt with it' : 'new partitions only'})`,
    );
  return parts.length > 0 ? parts.join('; ') : 'no stream or dataset changed its code';
}
