import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sinkColumn } from './sink-columns.ts';

it('maps DuckDB types to PostgreSQL and SQLite types, exact values as text', () => {
  const pg = (type: string) => sinkColumn({ name: 'c', type }, 'postgres');
  assert.deepEqual(pg('DECIMAL(18,2)'), { name: 'c', sqlType: 'numeric(18,2)', select: 'CAST("c" AS VARCHAR)' });
  assert.equal(pg('TIMESTAMP WITH TIME ZONE').sqlType, 'timestamptz');
  assert.equal(pg('BIGINT').sqlType, 'bigint');
  assert.equal(pg('BIGINT').select, 'CAST("c" AS VARCHAR)');
  assert.equal(pg('DOUBLE').sqlType, 'double precision');
  assert.equal(pg('VARCHAR').sqlType, 'text');
  assert.equal(pg('BOOLEAN').select, '"c"');
  assert.equal(pg('VARCHAR[]').sqlType, 'jsonb');
  assert.equal(pg('STRUCT(a INTEGER)').select, 'CAST(to_json("c") AS VARCHAR)');
  assert.equal(pg('JSON').sqlType, 'jsonb');
  const lite = (type: string) => sinkColumn({ name: 'c', type }, 'sqlite');
  assert.equal(lite('BOOLEAN').select, 'CAST("c" AS INTEGER)');
  assert.equal(lite('DECIMAL(18,2)').sqlType, 'NUMERIC');
  assert.equal(lite('TIMESTAMP WITH TIME ZONE').select, `strftime("c", '%Y-%m-%dT%H:%M:%S.%fZ')`);
  assert.equal(lite('DATE').sqlType, 'TEXT');
  // A webhook gets numbers as numbers, but decimals as exact strings.
  assert.equal(sinkColumn({ name: 'c', type: 'DOUBLE' }, 'json').select, '"c"');
  assert.equal(sinkColumn({ name: 'c', type: 'DECIMAL(38,10)' }, 'json').select, 'CAST("c" AS VARCHAR)');
});
