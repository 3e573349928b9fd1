/**
 * An input read with some of its encrypted columns in clear (a dataset's
 * `decrypt`). DuckDB cannot decrypt, so the clear values are made here, batch
 * by batch, and kept beside the input in temporary tables of the build's
 * session — never in a file of Pond's (a scratch NDJSON file would load faster,
 * but would put personal data on disk): the input (its forgotten rows already left out or
 * anonymized) is copied into one table, its ciphertexts handed to
 * `decrypt` by `rowid`, the clear values loaded into a second table, and the
 * input's view joins the two, each decrypted column in its place with its
 * clear type. The session drops both tables when it is released.
 */
import { quoteIdent, sqlString, type SqlSession } from '../compute/index.ts';
import type { Column, DecryptedColumns, InputBinding } from './types.ts';

/** Rows decrypted (and loaded) at once: one `decrypt` call, one INSERT. */
const BATCH_ROWS = 2048;

/**
 * Fills the temporary tables of an input that has files, read by `query` (its
 * `inputQuery`), and returns the query of its view.
 *
 * @example
 * const query = await decryptedInputQuery(session, binding, inputQuery(binding));
 * await session.defineViews([{ name: binding.alias, query }]);
 */
export async function decryptedInputQuery(
  session: SqlSession,
  input: Pick<InputBinding, 'alias'> & { readonly decrypted: DecryptedColumns },
  query: string,
): Promise<string> {
  const read = `__pond_read_${input.alias}`;
  const clear = `__pond_clear_${input.alias}`;
  await session.createTempTable(read, query);
  // A column the files do not have (older versions of the schema) is left as it is read: absent.
  const present = new Set((await session.describe(`select * from ${quoteIdent(read)}`)).map((c) => c.name));
  const columns = input.decrypted.columns.filter((c) => present.has(c.name));
  if (columns.length === 0) return `select * from ${quoteIdent(read)}`;
  const names = columns.map((c, i) => ({ column: c, q: quoteIdent(c.name), slot: `c${i}` }));
  await session.createTempTable(clear, `select null::BIGINT as pond_rowid, ${names.map((n) => `null::${n.column.type} as ${n.q}`).join(', ')} where false`);
  const [count] = await session.rows(`select coalesce(max(rowid) + 1, 0) as n from ${quoteIdent(read)}`);
  const end = Number(count?.n ?? 0);
  const ciphertexts = names.map((n) => `${n.q}::VARCHAR as ${n.slot}`).join(', ');
  const typed = names.map((n) => `${clearValue(n.slot, n.column)} as ${n.q}`).join(', ');
  const shape = sqlString(JSON.stringify([Object.fromEntries([['r', 'BIGINT'], ...names.map((n) => [n.slot, 'JSON'])])]));
  for (let from = 0; from < end; from += BATCH_ROWS) {
    const rows = await session.rows(
      `select rowid as pond_rowid, ${ciphertexts} from ${quoteIdent(read)} where rowid >= ${from} and rowid < ${from + BATCH_ROWS}`,
    );
    if (rows.length === 0) continue;
    const values = await input.decrypted.decrypt(rows.map((r) => names.map((n) => r[n.slot] as string | null)));
    // One JSON literal per batch, unnested by DuckDB: a VALUES list of the same rows parses 8× slower.
    const batch = rows.map((r, i) => Object.fromEntries([['r', Number(r.pond_rowid)], ...names.map((n, j) => [n.slot, values[i]?.[j] ?? null])]));
    await session.run(
      `insert into ${quoteIdent(clear)} select r, ${typed} from (select unnest(from_json(${sqlString(JSON.stringify(batch))}, ${shape}), recursive := true))`,
    );
  }
  const replaced = names.map((n) => `c.${n.q} as ${n.q}`).join(', ');
  return `select r.* replace (${replaced}) from ${quoteIdent(read)} r left join ${quoteIdent(clear)} c on c.pond_rowid = r.rowid`;
}

/**
 * The SQL that turns a clear value's JSON text into the column's clear type:
 * text and scalars from the JSON value's text (a string unquoted, a number as
 * written), nested types and JSON from the JSON itself.
 *
 * @example
 * clearValue('c0', { name: 'email', type: 'VARCHAR' }) // (c0::JSON ->> '$')
 * clearValue('c1', { name: 'age', type: 'BIGINT' })    // cast((c1::JSON ->> '$') as BIGINT)
 */
export function clearValue(slot: string, column: Column): string {
  const type = column.type.trim();
  const text = `(${slot}::JSON ->> '$')`;
  if (/^JSON$/i.test(type)) return `${slot}::JSON`;
  if (/^(STRUCT|MAP|UNION)\b|\]$/i.test(type)) return `cast(${slot}::JSON as ${type})`;
  if (/^VARCHAR$/i.test(type)) return text;
  return `cast(${text} as ${type})`;
}
