/**
 * Order-independent fingerprints of a table's contents, computed in DuckDB in
 * one pass: the row count, the sum of a hash of every whole row, and the sum
 * of a hash of every column. Sums (as HUGEINT, which 2^63 rows of 64-bit
 * hashes cannot overflow) are the same in any row order and, unlike XOR, tell
 * a row twice from a row left out. Hashes are DuckDB's own, so both sides of a
 * comparison must be fingerprinted by the same DuckDB, as `pond verify` does.
 */
import { quoteIdent, type Engine } from '../compute/index.ts';
import type { Column } from '../model/index.ts';
import { inputQuery } from '../transform/index.ts';

export interface ContentFingerprint {
  readonly rows: number;
  /** Column names and DuckDB types, in order, as read from the files. */
  readonly schema: readonly Column[];
  /** Sum of the hashes of all whole rows, as a decimal string. */
  readonly rowsHash: string;
  /** Sum of the hashes of each column's values, by column name; empty unless asked for (`perColumn`). */
  readonly columnHashes: Readonly<Record<string, string>>;
}

/** How two fingerprints differ; empty lists and equal counts when they do not. */
export interface ContentDifference {
  readonly same: boolean;
  readonly rows: { readonly current: number; readonly rebuilt: number };
  /** Columns missing on one side, or with another type or position. */
  readonly schemaChanges: readonly string[];
  /** Columns on both sides whose values differ (as multisets), when both fingerprints have per-column hashes. */
  readonly columns: readonly string[];
}

/** Parquet files read as one table (matched by column name when `sameSchema` is false); `columns` are those of a table without files. */
export interface FileTable {
  readonly files: readonly string[];
  readonly columns: readonly Column[];
  readonly sameSchema?: boolean;
}

/**
 * Fingerprints several tables in one query (one round trip to DuckDB, which
 * scans them in parallel). Per-column hashes cost about as much again on
 * small tables (each aggregate is planned and run); ask for them with
 * `perColumn` once the whole-row fingerprints differ.
 *
 * @example
 * const [current, rebuilt] = await fingerprintTables(engine, [
 *   { files: ['/lake/datasets/…/part-0.parquet'], columns: [] },
 *   { files: ['/lake/_staging/….parquet'], columns: [] },
 * ]);
 */
export async function fingerprintTables(engine: Engine, tables: readonly FileTable[], options: { perColumn?: boolean } = {}): Promise<ContentFingerprint[]> {
  const session = await engine.acquire();
  try {
    const sum = (values: string) => `coalesce(sum(hash(${values})::hugeint), 0)::varchar`;
    const schemas: Column[][] = [];
    const selects: string[] = [];
    for (const [i, table] of tables.entries()) {
      const query = inputQuery(table);
      const schema = await session.describe(query);
      const names = schema.map((c) => quoteIdent(c.name));
      schemas.push(schema);
      const columns = options.perColumn ? names.map(sum).join(', ') : '';
      selects.push(`select ${i} as i, count(*) as n, ${sum(names.join(', '))} as r, [${columns}]::varchar[] as c from (${query})`);
    }
    const rows = await session.rows(selects.join('\nunion all\n'));
    return schemas.map((schema, i) => {
      const row = rows.find((r) => r.i === i);
      const hashes = (row?.c ?? []) as string[];
      const columnHashes = options.perColumn ? Object.fromEntries(schema.map((c, j) => [c.name, String(hashes[j])])) : {};
      return { rows: Number(row?.n ?? 0), schema, rowsHash: String(row?.r), columnHashes };
    });
  } finally {
    await engine.release(session);
  }
}

/**
 * Compares the fingerprint of a current version with that of its rebuild.
 *
 * @example
 * const diff = compareFingerprints(current, rebuilt);
 * if (!diff.same) console.log(diff.rows, diff.columns); // e.g. { current: 3, rebuilt: 3 } ['amount']
 */
export function compareFingerprints(current: ContentFingerprint, rebuilt: ContentFingerprint): ContentDifference {
  const schemaChanges: string[] = [];
  const at = (schema: readonly Column[]) => new Map(schema.map((c, i) => [c.name, { type: c.type, i }]));
  const before = at(current.schema);
  const after = at(rebuilt.schema);
  for (const [name, c] of before) {
    const r = after.get(name);
    if (!r) schemaChanges.push(`${name} ${c.type}: only in the current version`);
    else if (r.type !== c.type) schemaChanges.push(`${name}: ${c.type} now, ${r.type} rebuilt`);
    else if (r.i !== c.i) schemaChanges.push(`${name}: column ${c.i + 1} now, ${r.i + 1} rebuilt`);
  }
  for (const [name, r] of after) if (!before.has(name)) schemaChanges.push(`${name} ${r.type}: only in the rebuild`);
  const columns = [...before.keys()].filter(
    (name) => after.get(name)?.type === before.get(name)?.type && current.columnHashes[name] !== rebuilt.columnHashes[name],
  );
  const same = schemaChanges.length === 0 && current.rows === rebuilt.rows && current.rowsHash === rebuilt.rowsHash;
  return { same, rows: { current: current.rows, rebuilt: rebuilt.rows }, schemaChanges, columns };
}
