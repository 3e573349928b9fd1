/**
 * `personalData` of `GET /api/datasets/:name`: the columns of a stream or
 * dataset that identify a data subject or hold personal data about them,
 * with where each class comes from (see `privacy/`). Computed once, on the
 * first request that needs it, by parsing the datasets' SQL with the API's
 * own DuckDB: the project does not change while the server runs.
 */
import type { Project } from '../../config/index.ts';
import { classifyProject, duckdbSqlParser, type NodePrivacy } from '../../privacy/index.ts';
import type { ReadOnlySql } from './read-only-sql.ts';

export interface PersonalData {
  readonly identifiers: readonly string[];
  readonly personal: readonly string[];
  /** Column → origin of its class: `declared`, `from users.email`, `by name (unverified)`. */
  readonly source: Readonly<Record<string, string>>;
  /** A TypeScript dataset whose classes are guessed by name. */
  readonly unverified: boolean;
}

/**
 * @example
 * const personalData = personalDataOf(project, sql);
 * await personalData('purchase_items') // { identifiers: ['user_id'], personal: ['device_id'], source: { … }, unverified: false }
 */
export function personalDataOf(project: Project, sql: ReadOnlySql): (name: string) => Promise<PersonalData | null> {
  let all: Promise<Map<string, NodePrivacy>> | undefined;
  // Parsing needs no lake views: defining them costs as much as the lake is large.
  const parse = duckdbSqlParser({ rows: (text) => sql.rowsWithoutLake(text) });
  return async (name) => {
    all ??= classifyProject(project, parse);
    // A failed classification (an invalid `pii` override) is reported on every request, not cached.
    const privacy = await all.catch((error: unknown) => {
      all = undefined;
      throw error;
    });
    const node = privacy.get(name);
    if (!node || node.columns.length === 0) return null;
    return { identifiers: node.identifiers, personal: node.personal, source: Object.fromEntries(node.columns.map((c) => [c.column, c.source])), unverified: node.unverified };
  };
}
