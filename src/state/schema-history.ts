/**
 * The schema history of a dataset: the distinct column lists its committed
 * versions had, grouped in the database on the stored schema text, so a
 * million versions are one scan of the dataset's rows and a handful of
 * answers rather than a million JSON parses.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { Column } from '../model/index.ts';
import type { SchemaSpan } from './roles/index.ts';

export async function schemaHistory(db: Kysely<Database>, dataset: string): Promise<SchemaSpan[]> {
  const groups = await db
    .selectFrom('versions')
    .select((eb) => [
      'schema_json',
      eb.fn.min<number>('seq').as('first_seq'),
      eb.fn.min<number>('created_at').as('first_seen'),
      eb.fn.max<number>('created_at').as('last_seen'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where('dataset', '=', dataset)
    .where('state', '=', 'committed')
    .groupBy('schema_json')
    .execute();
  if (groups.length === 0) return [];
  // Seqs are global and unique: the first version of each group by its seq.
  const firstSeqs = groups.map((g) => Number(g.first_seq));
  const ids = new Map<number, string>();
  for (const r of await db.selectFrom('versions').select(['id', 'seq']).where('dataset', '=', dataset).where('seq', 'in', firstSeqs).execute())
    ids.set(Number(r.seq), r.id);
  return groups
    .map((g) => ({
      schema: JSON.parse(g.schema_json) as Column[],
      firstVersion: ids.get(Number(g.first_seq)) ?? '',
      firstSeq: Number(g.first_seq),
      firstSeen: Number(g.first_seen),
      lastSeen: Number(g.last_seen),
      versions: Number(g.n),
    }))
    .sort((a, b) => a.firstSeq - b.firstSeq)
    .map(({ firstSeq: _seq, ...span }) => span);
}
