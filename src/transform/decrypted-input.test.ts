import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clearValue } from './decrypted-input.ts';
import { openEngine, sqlString, type Engine } from '../compute/index.ts';
import { createInputViews } from './input-views.ts';
import type { DecryptedColumns, InputBinding } from './types.ts';

/** A stand-in for privacy/decrypt-fields.ts: `x:<json>` holds `<json>`, `_raw`'s `x:<text>` the text; anything else cannot be read. */
const decrypted: DecryptedColumns = {
  columns: [
    { name: 'email', type: 'VARCHAR' },
    { name: 'age', type: 'BIGINT' },
    { name: 'address', type: 'STRUCT(city VARCHAR, zip VARCHAR)' },
    { name: '_raw', type: 'VARCHAR' },
  ],
  decrypt: async (rows) =>
    rows.map((row) =>
      row.map((value, i) => {
        if (value === null || !value.startsWith('x:')) return null;
        return i === 3 ? value.slice(2) : JSON.parse(value.slice(2));
      }),
    ),
};

describe('decrypted inputs', () => {
  let engine: Engine;
  let dir: string;
  let file: string;
  const window = { key: 'all', start: null, end: null };
  const columns = [
    { name: 'user_id', type: 'VARCHAR' },
    { name: 'email', type: 'VARCHAR' },
    { name: 'age', type: 'VARCHAR' },
    { name: 'plan', type: 'VARCHAR' },
    { name: 'address', type: 'VARCHAR' },
    { name: '_raw', type: 'VARCHAR' },
  ];

  before(async () => {
    engine = await openEngine({ threads: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'pond-decrypted-'));
    file = path.join(dir, 'signups.parquet');
    const session = await engine.connect();
    const x = (json: string) => sqlString(`x:${json}`);
    await session.run(`copy (select * from (values
      ('ps_a', ${x('"ann@example.com"')}, ${x('41')}, 'pro', ${x('{"city":"Oslo","zip":"0150"}')}, ${x('{"userId":"a"}')}),
      ('ps_b', 'garbled', ${x('7')}, 'free', null, ${x('{"userId":"b"}')}),
      ('ps_gone', ${x('"gone@example.com"')}, ${x('99')}, 'free', null, ${x('{"userId":"gone"}')})
    ) t(user_id, email, age, plan, address, _raw)) to ${sqlString(file)} (format parquet)`);
    session.close();
  });
  after(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads decrypted columns in clear with their clear types, each in its place, after leaving out forgotten rows', async () => {
    const session = await engine.acquire();
    try {
      const input: InputBinding = {
        alias: 'signups',
        files: [file],
        columns,
        forgotten: {
          pseudonyms: ['ps_gone'],
          identifiers: ['user_id'],
          ciphertexts: [],
          cleared: ['user_id', 'email', 'age', 'address', '_raw'],
          policy: 'drop',
        },
        decrypted,
      };
      await createInputViews(session, [input], window);
      assert.deepEqual(
        (await session.describe('select * from signups')).map((c) => `${c.name} ${c.type}`),
        ['user_id VARCHAR', 'email VARCHAR', 'age BIGINT', 'plan VARCHAR', 'address STRUCT("city" VARCHAR, "zip" VARCHAR)', '_raw VARCHAR'],
      );
      assert.deepEqual(await session.rows('select * from signups order by user_id'), [
        { user_id: 'ps_a', email: 'ann@example.com', age: 41, plan: 'pro', address: { city: 'Oslo', zip: '0150' }, _raw: '{"userId":"a"}' },
        { user_id: 'ps_b', email: null, age: 7, plan: 'free', address: null, _raw: '{"userId":"b"}' },
      ]);
    } finally {
      await engine.release(session);
    }
  });

  it('drops the clear copy when the session is released', async () => {
    const session = await engine.acquire();
    await createInputViews(session, [{ alias: 'signups', files: [file], columns, decrypted }], window);
    assert.equal((await session.rows("select count(*) as n from duckdb_tables() where temporary and table_name like '__pond_%'"))[0]?.n, 2);
    await engine.release(session);
    const again = await engine.acquire();
    try {
      assert.equal(again, session, 'the pooled session is reused');
      assert.equal((await again.rows("select count(*) as n from duckdb_tables() where temporary and table_name like '__pond_%'"))[0]?.n, 0);
    } finally {
      await engine.release(again);
    }
  });

  it('gives an empty input the clear types', async () => {
    const session = await engine.acquire();
    try {
      await createInputViews(session, [{ alias: 'signups', files: [], columns, decrypted }], window);
      assert.equal((await session.describe('select age from signups'))[0]?.type, 'BIGINT');
    } finally {
      await engine.release(session);
    }
  });

  it('casts text and scalars from the JSON text, nested types from the JSON', () => {
    assert.equal(clearValue('c0', { name: 'email', type: 'VARCHAR' }), "(c0::JSON ->> '$')");
    assert.equal(clearValue('c1', { name: 'age', type: 'BIGINT' }), "cast((c1::JSON ->> '$') as BIGINT)");
    assert.equal(clearValue('c2', { name: 'tags', type: 'VARCHAR[]' }), 'cast(c2::JSON as VARCHAR[])');
    assert.equal(clearValue('c3', { name: 'extra', type: 'JSON' }), 'c3::JSON');
  });
});
