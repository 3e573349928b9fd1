/**
 * Personal data in clear for a query that asks for it (`pond query
 * --decrypt`), wherever the query reads it. DuckDB cannot decrypt, so a
 * query over the lake's views sees ciphertext: decrypting its *result*
 * serves `select email …`, but an expression over an encrypted column —
 * `left(_raw, 90)`, `lower(email)`, `where age > 40`, `order by email` —
 * would cut, compare or sort ciphertext, and its result could not be
 * decrypted. So before such a query runs, the views of the streams with
 * personal data it reads (and `dead_letters`, whose `_raw` is encrypted)
 * are made again over their clear values, decrypted into temporary tables of
 * the query's session as a build that declares `decrypt` reads its inputs
 * (transform/decrypted-input.ts): never written to a file of Pond's.
 *
 * Decrypting a whole stream costs about 27 µs a row for three fields, so it
 * is done only when the query needs it: when it reads an encrypted column in
 * any way other than as a plain column of its outermost select list (which
 * the result's decryption serves). A dataset's column that holds ciphertext
 * (copied from a stream) is not decrypted before: its values are decrypted
 * whole in the result (privacy/decrypt-rows.ts), and a value an expression
 * changed is reported, not shown as NULL.
 */
import { encryptedFields, protectsPersonalData, type Project, type StreamModel } from '../config/index.ts';
import { quoteIdent, sqlString, type SqlSession } from '../compute/index.ts';
import type { Lake } from '../lake/index.ts';
import { DEAD_LETTER_COLUMNS } from '../land/index.ts';
import { ALL_WINDOWS } from '../model/index.ts';
import { ciphertextSubject, decryptedFields, forgottenDeadLetters, forgottenRowsOf, forgottenSubjects, type SubjectKeyRing } from '../privacy/index.ts';
import type { SubjectKeyStore, VersionStore } from '../state/index.ts';
import { decryptedInputQuery, forgottenTable, inputQuery, type DecryptedColumns, type ForgottenRows } from '../transform/index.ts';

/** What of the lake a query must read in clear before it runs. */
export interface ClearInputs {
  /** Streams with personal data whose view is made over clear values. */
  readonly streams: readonly string[];
  /** Whether `dead_letters` is made over clear `_raw`. */
  readonly deadLetters: boolean;
}

/**
 * The inputs `sql` must read in clear: none when it reads encrypted columns
 * only as plain columns of its outermost select list (or not at all), else
 * every stream with personal data it reads, and `dead_letters` when it reads
 * that. A query DuckDB cannot parse needs none (it fails on its own).
 *
 * @example
 * await clearInputsOf(session, project, 'select email from signups') // { streams: [], deadLetters: false }
 * await clearInputsOf(session, project, 'select left(_raw, 90) from signups') // { streams: ['signups'], deadLetters: false }
 */
export async function clearInputsOf(session: Pick<SqlSession, 'rows'>, project: Project, sql: string): Promise<ClearInputs> {
  const [row] = await session.rows(`select json_serialize_sql(${sqlString(sql)}) as ast`);
  const ast = JSON.parse(String(row?.ast ?? '{"error":true}')) as Node;
  const statements = ast.error === true || !Array.isArray(ast.statements) ? [] : (ast.statements as Node[]);
  const tables = new Set<string>();
  for (const s of statements) walk(s, (node) => node.type === 'BASE_TABLE' && typeof node.table_name === 'string' && tables.add(node.table_name.toLowerCase()));
  const streams = [...project.streams.values()].filter((s) => protectsPersonalData(s.pii) && tables.has(s.name.toLowerCase()));
  const deadLetters = tables.has('dead_letters') && [...project.streams.values()].some((s) => protectsPersonalData(s.pii));
  const encrypted = new Set<string>([...streams.flatMap((s) => encryptedFields(s.pii)), ...(deadLetters ? ['_raw'] : [])].map((c) => c.toLowerCase()));
  if (encrypted.size === 0) return { streams: [], deadLetters: false };
  const outer = statements.length === 1 && isNode(statements[0]?.node) ? (statements[0].node as Node) : undefined;
  // Plain columns of the outermost select list, when nothing in it orders or groups what they hold.
  const plain = new Set<Node>();
  if (outer?.type === 'SELECT_NODE' && Array.isArray(outer.select_list) && !ordersOrGroups(outer)) {
    for (const e of outer.select_list as Node[]) if (isNode(e) && e.class === 'COLUMN_REF') plain.add(e);
  }
  let reads = false;
  for (const s of statements)
    walk(s, (node) => {
      if (node.class !== 'COLUMN_REF' || plain.has(node) || !Array.isArray(node.column_names)) return;
      const name = String(node.column_names[node.column_names.length - 1]).toLowerCase();
      if (encrypted.has(name)) reads = true;
    });
  return reads ? { streams: streams.map((s) => s.name), deadLetters } : { streams: [], deadLetters: false };
}

/**
 * Makes the views `inputs` names again over clear values (replacing those of
 * `createLakeViews`); returns how many values were shown as null for want
 * of a key (forgotten or unknown subjects).
 */
export async function createClearViews(
  session: SqlSession,
  project: Project,
  state: VersionStore & SubjectKeyStore,
  lake: Lake,
  ring: Pick<SubjectKeyRing, 'existingKeysOf'>,
  inputs: ClearInputs,
): Promise<{ readonly withoutKey: () => number }> {
  let withoutKey = 0;
  const counted = (d: DecryptedColumns): DecryptedColumns => ({
    columns: d.columns,
    async decrypt(rows) {
      const clear = await d.decrypt(rows);
      rows.forEach((row, i) => row.forEach((v, j) => v !== null && ciphertextSubject(v) !== undefined && clear[i]?.[j] === null && withoutKey++));
      return clear;
    },
  });
  const filesOf = async (dataset: string) =>
    (await state.currentVersions(dataset, ALL_WINDOWS.from, ALL_WINDOWS.to)).flatMap((v) => v.files.map((f) => lake.locate(f.path)));
  const pseudonyms = await forgottenSubjects(state);
  const table = pseudonyms.length > 0 ? await forgottenTable(session, pseudonyms) : undefined;
  const withTable = (rows: ForgottenRows | undefined) => rows && { ...rows, table };

  for (const name of inputs.streams) {
    const stream = project.streams.get(name) as StreamModel;
    const files = await filesOf(stream.name);
    if (files.length === 0) continue; // an empty view has no values to decrypt
    const read = inputQuery({ files, columns: stream.columns, forgotten: withTable(forgottenRowsOf(stream, pseudonyms)) });
    const query = await decryptedInputQuery(session, { alias: stream.name, decrypted: counted(decryptedFields(stream, ring)) }, read);
    await session.run(`create or replace temp view ${quoteIdent(stream.name)} as ${query}`);
  }
  if (inputs.deadLetters) {
    const parts: string[] = [];
    for (const stream of project.streams.values()) {
      const files = await filesOf(stream.deadLetter);
      if (files.length === 0) continue;
      const read = inputQuery({ files, columns: DEAD_LETTER_COLUMNS, forgotten: withTable(forgottenDeadLetters(project.privacy.forgotten, pseudonyms)) });
      if (!protectsPersonalData(stream.pii)) {
        parts.push(read);
        continue;
      }
      // A dead letter's `_raw` is encrypted as its stream's `_raw` is.
      const raw = decryptedFields({ name: stream.name, pii: stream.pii, clearColumns: [{ name: '_raw', type: 'VARCHAR' }] }, ring);
      parts.push(await decryptedInputQuery(session, { alias: `dead_letters_${parts.length}`, decrypted: counted(raw) }, read));
    }
    if (parts.length > 0)
      await session.run(`create or replace temp view dead_letters as ${parts.map((p) => `select * from (${p})`).join(' union all by name ')}`);
  }
  return { withoutKey: () => withoutKey };
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `visit` on every object of the tree. */
function walk(value: unknown, visit: (node: Node) => unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
    return;
  }
  if (!isNode(value)) return;
  visit(value);
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) walk(v, visit);
}

/** An ORDER BY (by position too), DISTINCT, GROUP BY or HAVING: each would order or group the ciphertext of a plain column. */
function ordersOrGroups(select: Node): boolean {
  const modifiers = Array.isArray(select.modifiers) ? (select.modifiers as Node[]) : [];
  if (modifiers.some((m) => m.type === 'ORDER_MODIFIER' || m.type === 'DISTINCT_MODIFIER')) return true;
  const groups = select.groups as Node | undefined;
  const groupExpressions = isNode(groups) && Array.isArray(groups.group_expressions) ? groups.group_expressions : [];
  return groupExpressions.length > 0 || isNode(select.having);
}
