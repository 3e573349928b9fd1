/**
 * The pseudonyms of forgotten subjects as a table that every query of a
 * DuckDB instance reads (`in (select pseudonym from pond_forgotten)`), instead
 * of a literal list in each query: DuckDB parses a list of 10,000 literals in
 * about 0.1 s, and every build that reads a raw stream would pay that. The
 * table is replaced only when the list changes, which its comment records
 * (a digest of the list); one transaction replaces it and its comment
 * together, so a reader never sees one without the other.
 */
import { createHash } from 'node:crypto';
import { sqlString, type SqlSession } from '../compute/index.ts';

export const FORGOTTEN_TABLE = 'pond_forgotten';

/** Replacements under way in this process, so that concurrent builds replace the table once. */
let replacing: Promise<void> = Promise.resolve();
/** Digests by list: readers pass the same array while the list is unchanged (privacy/forgotten/forgotten-subjects.ts). */
const digests = new WeakMap<readonly string[], string>();

function digestOf(pseudonyms: readonly string[]): string {
  let digest = digests.get(pseudonyms);
  if (digest === undefined) digests.set(pseudonyms, (digest = createHash('sha256').update(pseudonyms.join('\n')).digest('hex').slice(0, 32)));
  return digest;
}

/**
 * Makes `pond_forgotten` hold exactly `pseudonyms`; returns its name.
 *
 * @example
 * const table = await forgottenTable(session, ['ps_Vb8x…']); // 'pond_forgotten'
 */
export async function forgottenTable(session: Pick<SqlSession, 'run' | 'rows' | 'instanceMemo'>, pseudonyms: readonly string[]): Promise<string> {
  const digest = digestOf(pseudonyms);
  // Sessions of one engine know what their instance holds without asking its catalog.
  if (session.instanceMemo?.get(FORGOTTEN_TABLE) === digest) return FORGOTTEN_TABLE;
  const current = async () => {
    const rows = await session.rows(`select comment from duckdb_tables() where schema_name = 'main' and table_name = '${FORGOTTEN_TABLE}' and not temporary`);
    return rows[0]?.comment === digest;
  };
  if (await current()) return FORGOTTEN_TABLE;
  const step = replacing.then(async () => {
    if (await current()) return;
    const list = pseudonyms.length === 0 ? '[]::varchar[]' : `[${pseudonyms.map(sqlString).join(', ')}]`;
    await session.run(
      `begin; create or replace table main.${FORGOTTEN_TABLE} as select unnest(${list}) as pseudonym; comment on table main.${FORGOTTEN_TABLE} is '${digest}'; commit`,
    );
  });
  replacing = step.catch(() => undefined);
  await step;
  session.instanceMemo?.set(FORGOTTEN_TABLE, digest);
  return FORGOTTEN_TABLE;
}
