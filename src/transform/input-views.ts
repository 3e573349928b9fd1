/**
 * Binds a build's inputs as temporary views on one DuckDB connection: each
 * input reads exactly the files of the current versions it was given, and
 * `pond_partition` describes the partition being built.
 */
import { quoteIdent, sqlList, sqlString, type SqlSession } from '../compute/index.ts';
import { decryptedInputQuery } from './decrypted-input.ts';
import { forgottenTable } from './forgotten-table.ts';
import type { ForgottenRows, InputBinding, PartitionWindow } from './types.ts';

/**
 * An input with `decrypted` columns is first decrypted into temporary tables
 * (see decrypted-input.ts) that the session drops when it is released.
 */
export async function createInputViews(session: SqlSession, inputs: readonly InputBinding[], window: PartitionWindow): Promise<void> {
  const views: Array<{ name: string; query: string }> = [];
  for (const input of await withForgottenTable(session, inputs)) views.push({ name: input.alias, query: await viewQuery(session, input) });
  await session.defineViews([...views, { name: 'pond_partition', query: partitionQuery(window) }]);
}

async function viewQuery(session: SqlSession, input: InputBinding): Promise<string> {
  const { decrypted } = input;
  if (!decrypted) return inputQuery(input);
  if (input.files.length > 0) return decryptedInputQuery(session, { alias: input.alias, decrypted }, inputQuery(input));
  // An empty input has the clear types, as it would with rows.
  const clear = new Map(decrypted.columns.map((c) => [c.name, c.type]));
  return inputQuery({ ...input, columns: input.columns.map((c) => ({ ...c, type: clear.get(c.name) ?? c.type })) });
}

/**
 * The inputs, with the pseudonyms of forgotten subjects read from the
 * instance's `pond_forgotten` table (made current first) rather than written
 * into each query. Every input of one build has the same list.
 */
async function withForgottenTable<T extends Pick<InputBinding, 'forgotten'>>(session: Pick<SqlSession, 'run' | 'rows'>, inputs: readonly T[]): Promise<T[]> {
  const list = inputs.find((i) => i.forgotten && i.forgotten.pseudonyms.length > 0)?.forgotten?.pseudonyms;
  if (!list) return [...inputs];
  const table = await forgottenTable(session, list);
  return inputs.map((i) => (i.forgotten ? { ...i, forgotten: { ...i.forgotten, table } } : i));
}

/**
 * `read` with the rows of forgotten subjects left out or anonymized.
 *
 * @example
 * withoutForgotten('select * from t', { pseudonyms: ['ps_a'], identifiers: ['user_id'], ciphertexts: [], cleared: ['user_id', 'email'], policy: 'anonymize' })
 * // select * exclude (__pond_forgotten) replace (case when __pond_forgotten then null else "user_id" end as "user_id", …)
 * // from (select *, coalesce("user_id" in ('ps_a'), false) as __pond_forgotten from (select * from t))
 */
export function withoutForgotten(read: string, forgotten: ForgottenRows): string {
  if (forgotten.pseudonyms.length === 0) return read;
  const list = forgotten.table ? `(select pseudonym from ${quoteIdent(forgotten.table)})` : `(${forgotten.pseudonyms.map(sqlString).join(', ')})`;
  // A ciphertext is `enc:<format>:<pseudonym>:<bytes>` (privacy/field-cipher.ts).
  const tests = [
    ...forgotten.identifiers.map((c) => `${quoteIdent(c)} in ${list}`),
    ...forgotten.ciphertexts.map((c) => `(starts_with(${quoteIdent(c)}, 'enc:') and split_part(${quoteIdent(c)}, ':', 3) in ${list})`),
  ];
  if (tests.length === 0) return read;
  const theirs = `coalesce(${tests.join(' or ')}, false)`;
  if (forgotten.policy === 'drop') return `select * from (${read}) where not ${theirs}`;
  if (forgotten.cleared.length === 0) return read;
  // The test once per row (each use of a subquery is a join of its own), then each cleared column.
  const flag = '__pond_forgotten';
  const cleared = forgotten.cleared.map((c) => `case when ${flag} then null else ${quoteIdent(c)} end as ${quoteIdent(c)}`);
  return `select * exclude (${flag}) replace (${cleared.join(', ')}) from (select *, ${theirs} as ${flag} from (${read}))`;
}

/** The one row of `pond_partition`: the key, start and end of the partition being built. */
export function partitionQuery(window: PartitionWindow): string {
  const ts = (ms: number | null) => (ms === null ? 'null::timestamptz' : `to_timestamp(${ms / 1000})`);
  return `select ${sqlString(window.key)} as key, ${ts(window.start)} as start, ${ts(window.end)} as "end"`;
}

/** A query over an input's files; an input with no files still has its columns. */
export function inputQuery(input: Pick<InputBinding, 'files' | 'columns' | 'sameSchema' | 'forgotten'>): string {
  if (input.files.length > 0) {
    const byName = input.sameSchema === true || input.files.length === 1 ? '' : ', union_by_name = true';
    const read = `select * from read_parquet(${sqlList(input.files)}${byName}, hive_partitioning = false)`;
    return input.forgotten ? withoutForgotten(read, input.forgotten) : read;
  }
  if (input.columns.length === 0) return 'select null as _empty where false';
  return `select ${input.columns.map((c) => `cast(null as ${c.type}) as ${quoteIdent(c.name)}`).join(', ')} where false`;
}
