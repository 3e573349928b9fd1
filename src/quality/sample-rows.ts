/**
 * A sample of failing rows as the check results keep them: a few rows, key
 * columns first, then the columns the check tested, then the others (up to a
 * limit), every value made plain JSON and long texts cut, so a result stays
 * small however wide or long the failing rows are.
 */
import { jsonValue, type SqlSession } from '../compute/index.ts';

export const SAMPLE_ROWS = 10;
const MAX_COLUMNS = 16;
/** Long texts and lists in a sample are cut: a result stays small however wide its rows. */
const LIMITS = { maxText: 200, maxItems: 20 } as const;

/** The first rows of `query` (run after the `with` clause that names its tables). */
export async function sampleRows(
  session: SqlSession,
  withClause: string,
  query: string,
  keys: readonly string[],
  checked: readonly string[],
): Promise<Record<string, unknown>[]> {
  const rows = await session.rows(`${withClause}\nselect * from (${query}) limit ${SAMPLE_ROWS}`);
  return rows.map((row) => {
    const present = Object.keys(row);
    const order = [...new Set([...keys, ...checked, ...present])]
      .filter((c) => present.includes(c))
      .slice(0, Math.max(MAX_COLUMNS, keys.length + checked.length));
    const out: Record<string, unknown> = {};
    for (const c of order) out[c] = jsonValue(row[c], LIMITS);
    return out;
  });
}
