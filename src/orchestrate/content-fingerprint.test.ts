import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openEngine, sqlString, type Engine } from '../compute/index.ts';
import { compareFingerprints, fingerprintTables, type FileTable } from './content-fingerprint.ts';

describe('content fingerprints', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pond-fingerprint-'));
  let engine: Engine;
  /** Writes the rows of a VALUES list (columns id, name, score) to a Parquet file. */
  const write = async (name: string, values: string, types = 'id::integer as id, name::varchar as name, score::double as score') => {
    const file = path.join(dir, `${name}.parquet`);
    const session = await engine.connect();
    await session.run(`copy (select ${types} from (values ${values}) v(id, name, score)) to ${sqlString(file)} (format parquet)`);
    session.close();
    return { files: [file], columns: [] } satisfies FileTable;
  };
  const diff = async (a: FileTable, b: FileTable) => {
    const [x, y] = await fingerprintTables(engine, [a, b], { perColumn: true });
    return compareFingerprints(x!, y!);
  };

  before(async () => (engine = await openEngine({ threads: 1 })));
  after(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the same for the same rows in any order', async () => {
    const a = await write('a', `(1, 'x', 0.5), (2, 'y', 1.5), (2, 'y', 1.5)`);
    const b = await write('b', `(2, 'y', 1.5), (1, 'x', 0.5), (2, 'y', 1.5)`);
    assert.deepEqual(await diff(a, b), { same: true, rows: { current: 3, rebuilt: 3 }, schemaChanges: [], columns: [] });
  });

  it('tells a duplicated row from another (multisets, not sets)', async () => {
    const a = await write('c', `(1, 'x', 0.5), (1, 'x', 0.5), (2, 'y', 1.5)`);
    const b = await write('d', `(1, 'x', 0.5), (2, 'y', 1.5), (2, 'y', 1.5)`);
    const d = await diff(a, b);
    assert.equal(d.same, false);
    assert.deepEqual(d.columns, ['id', 'name', 'score']);
  });

  it('names the columns whose values differ, and values recombined across rows', async () => {
    const a = await write('e', `(1, 'x', 0.5), (2, 'y', 1.5)`);
    const b = await write('f', `(1, 'x', 0.25), (2, 'y', 1.5)`);
    assert.deepEqual((await diff(a, b)).columns, ['score']);
    // The same values per column, paired into rows differently: only the whole-row fingerprint sees it.
    const c = await write('g', `(1, 'y', 0.5), (2, 'x', 1.5)`);
    const d = await diff(a, c);
    assert.equal(d.same, false);
    assert.deepEqual(d.columns, []);
  });

  it('compares column names, types and positions', async () => {
    const a = await write('h', `(1, 'x', 0.5)`);
    const b = await write('i', `(1, 'x', 0.5)`, 'id::bigint as id, name::varchar as name, score::double as points');
    assert.deepEqual((await diff(a, b)).schemaChanges, [
      'id: INTEGER now, BIGINT rebuilt',
      'score DOUBLE: only in the current version',
      'points DOUBLE: only in the rebuild',
    ]);
    const c = await write('j', `(1, 'x', 0.5)`, 'name::varchar as name, id::integer as id, score::double as score');
    assert.deepEqual((await diff(a, c)).schemaChanges, ['id: column 1 now, 2 rebuilt', 'name: column 2 now, 1 rebuilt']);
  });

  it('fingerprints an empty table and a table without files', async () => {
    const empty = await write('k', `(1, 'x', 0.5) limit 0`);
    const [e, none] = await fingerprintTables(engine, [empty, { files: [], columns: [{ name: 'id', type: 'INTEGER' }] }]);
    assert.equal(e?.rows, 0);
    assert.equal(e?.rowsHash, '0');
    assert.deepEqual(none?.schema, [{ name: 'id', type: 'INTEGER' }]);
    assert.equal(none?.rows, 0);
  });
});
