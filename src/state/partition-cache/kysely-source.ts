import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { PartitionColumnsBuilder } from '../partition-columns-builder.ts';
import type { PartitionRow } from './merge.ts';
import type { PartitionSource } from './partition-columns-cache.ts';
import type { Snapshot } from './snapshot-codec.ts';

/** The highest change_seq of a dataset: one index probe on (dataset, change_seq). */
export async function coveredSeq(db: Kysely<Database>, dataset: string): Promise<number> {
  const row = await db
    .selectFrom('partitions')
    .select((eb) => eb.fn.max('change_seq').as('m'))
    .where('dataset', '=', dataset)
    .executeTakeFirst();
  return Number(row?.m ?? 0);
}

/** Reads partitions through Kysely: works on every dialect (PostgreSQL uses it as is). */
export function kyselySource(db: Kysely<Database>): PartitionSource {
  return {
    async full(dataset: string): Promise<Snapshot> {
      // The covered seq first: rows read after it may be newer, never older.
      const covered = await coveredSeq(db, dataset);
      const rows = await db
        .selectFrom('partitions')
        .select(['idx', 'current_seq', 'input_seq', 'status', 'version_id', 'code_fingerprint'])
        .where('dataset', '=', dataset)
        .orderBy('idx')
        .execute();
      const builder = new PartitionColumnsBuilder(Math.max(16, rows.length));
      for (const r of rows) {
        builder.add(Number(r.idx), Number(r.current_seq), Number(r.input_seq), r.status === 'failed', r.version_id !== null, r.code_fingerprint);
      }
      return { covered, columns: builder.build() };
    },
    async delta(dataset: string, after: number) {
      const found = await db
        .selectFrom('partitions')
        .select(['idx', 'current_seq', 'input_seq', 'status', 'version_id', 'code_fingerprint', 'change_seq'])
        .where('dataset', '=', dataset)
        .where('change_seq', '>', after)
        .orderBy('idx')
        .execute();
      let covered = after;
      const rows: PartitionRow[] = found.map((r) => {
        covered = Math.max(covered, Number(r.change_seq));
        return {
          idx: Number(r.idx),
          currentSeq: Number(r.current_seq),
          inputSeq: Number(r.input_seq),
          failed: r.status === 'failed' ? 1 : 0,
          built: r.version_id !== null ? 1 : 0,
          codeFingerprint: r.code_fingerprint,
        };
      });
      return { rows, covered };
    },
  };
}
