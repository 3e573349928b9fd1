/**
 * Writes the new rows of one partition to a staged Parquet file — alone, or
 * merged with the partition's earlier files into one (compaction, so that a
 * partition fed every second is not read as thousands of small files).
 *
 * Rows that DuckDB cannot store as their columns say are found by halving the
 * batch until each bad row stands alone; they come back as `rejected` (the
 * caller sends them to the dead letters, with DuckDB's reason without the
 * server's paths) and never stop the rest from landing.
 */
import { rm, writeFile } from 'node:fs/promises';
import { copyQueryToParquet, sqlList, sqlString, type SqlSession } from '../compute/index.ts';
import { withoutServerPaths } from '../errors/index.ts';
import type { RawRow } from './land-batch.ts';
import type { RowShape } from './raw-row.ts';

export interface PartitionFile {
  readonly path: string;
  readonly rows: number;
  /** Whether the file holds the earlier files' rows too. */
  readonly compacted: boolean;
  readonly rejected: readonly { readonly row: RawRow; readonly error: string }[];
}

export async function writePartitionFile(
  session: SqlSession,
  job: { rows: readonly RawRow[]; shape: RowShape; staged: string; compactWith: readonly string[] },
): Promise<PartitionFile> {
  const rejected: { row: RawRow; error: string }[] = [];
  let good = job.rows;
  try {
    await write(session, good, job.shape, job.staged);
  } catch (error) {
    if (job.rows.length === 0) throw error;
    good = await keepWritable(session, job.rows, job.shape, job.staged, rejected);
    await write(session, good, job.shape, job.staged);
  }
  if (job.compactWith.length === 0 || good.length === 0) return { path: job.staged, rows: good.length, compacted: false, rejected };
  const merged = `${job.staged}.compacted.parquet`;
  try {
    const out = await copyQueryToParquet(
      session,
      `select * from read_parquet(${sqlList([...job.compactWith, job.staged])}, hive_partitioning = false)`,
      merged,
    );
    return { path: merged, rows: out.rows, compacted: true, rejected };
  } finally {
    await rm(job.staged, { force: true });
  }
}

/** Writes the rows' lines to a staging file and lets DuckDB turn them into Parquet with the shape's columns. */
async function write(session: SqlSession, rows: readonly RawRow[], shape: RowShape, path: string): Promise<void> {
  const jsonPath = `${path}.ndjson`;
  let text = '';
  for (const row of rows) text += `${row.line}\n`;
  await writeFile(jsonPath, text);
  try {
    const spec = shape.jsonColumns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
    await copyQueryToParquet(session, `select ${shape.select} from read_json(${sqlString(jsonPath)}, format = 'newline_delimited', columns = {${spec}})`, path);
  } finally {
    await rm(jsonPath, { force: true });
  }
}

/** The rows that write on their own, halving failing groups; the others go to `rejected`. */
async function keepWritable(
  session: SqlSession,
  rows: readonly RawRow[],
  shape: RowShape,
  staged: string,
  rejected: { row: RawRow; error: string }[],
): Promise<RawRow[]> {
  const probe = `${staged}.probe.parquet`;
  const out: RawRow[] = [];
  const visit = async (group: readonly RawRow[]): Promise<void> => {
    try {
      await write(session, group, shape, probe);
      out.push(...group);
    } catch (error) {
      if (group.length === 1) {
        // The reason is a dead letter's, for the sender to read: DuckDB's message names the server's scratch file.
        rejected.push({ row: group[0] as RawRow, error: withoutServerPaths((error as Error).message.split('\n')[0] ?? String(error)) });
        return;
      }
      const half = Math.ceil(group.length / 2);
      await visit(group.slice(0, half));
      await visit(group.slice(half));
    }
  };
  try {
    await visit(rows);
  } finally {
    await rm(probe, { force: true });
  }
  return out;
}
