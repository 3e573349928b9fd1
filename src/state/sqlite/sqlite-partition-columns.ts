import type Sqlite from 'better-sqlite3';
import { PartitionColumnsBuilder } from '../partition-columns-builder.ts';
import type { PartitionColumns } from '../state-store.ts';

const QUERY = `select idx, current_seq, input_seq, status = 'failed', version_id is not null, code_fingerprint
  from partitions where dataset = ? order by idx`;

type Row = [number, number, number, number, number, string | null];

const statements = new WeakMap<Sqlite.Database, Sqlite.Statement<[string], Row>>();

/**
 * Reads all partitions of a dataset straight from better-sqlite3, bypassing
 * Kysely: raw rows (arrays, no objects per row) streamed into typed arrays.
 * This is what lets the planner load a million partitions in a fraction of a second.
 */
export function readPartitionColumns(file: Sqlite.Database, dataset: string): PartitionColumns {
  let stmt = statements.get(file);
  if (!stmt) {
    stmt = file.prepare<[string], Row>(QUERY).raw(true);
    statements.set(file, stmt);
  }
  const builder = new PartitionColumnsBuilder();
  for (const [idx, currentSeq, inputSeq, failed, built, code] of stmt.iterate(dataset)) {
    builder.add(idx, currentSeq, inputSeq, failed === 1, built === 1, code);
  }
  return builder.build();
}
