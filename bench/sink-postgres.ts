/**
 * The PostgreSQL sink's load path: one 200,000-row partition published
 * through `PostgresSink` (delete + COPY in one transaction) against the
 * multi-row INSERT it replaced (kept below, only here, as the baseline), into
 * a scratch database on a local server. Both read the same Parquet file
 * through DuckDB the way the publisher does, and both replace the partition's
 * previous rows, so the figures include reading, deleting and committing.
 * Standalone: `node --import tsx bench/sink-postgres.ts` (not in run.ts).
 *
 * Env: BENCH_POSTGRES_URL (default postgres://pond:pond@127.0.0.1:5432/pond,
 * a role that may create databases), BENCH_ROWS (default 200,000),
 * BENCH_REPEAT (default 3).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { openEngine, quoteIdent, sqlString, type Engine } from '../src/compute/index.ts';
import { PARTITION_COLUMN, sinkColumn, VERSION_COLUMN, type PartitionPayload } from '../src/sink/index.ts';
import { PostgresSink } from '../src/sink/postgres/postgres-sink.ts';
import { rebatch } from '../src/sink/table-plan.ts';
import { fmt, log, median, time, WORK } from './lib.ts';

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://pond:pond@127.0.0.1:5432/pond';
const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

/** A daily-sales-like row: text, exact decimal, bigint, timestamptz, a list (jsonb), a double and a boolean. */
const GENERATE = `select 'user-' || (i % 5000) || E'\\t' || md5(i::varchar) as user_id,
  cast(i % 100000 / 100 as decimal(18, 2)) as amount, i * 1000003 as n,
  timestamptz '2026-11-20 00:00:00+00' + to_microseconds(i * 431) as last_at,
  ['u' || (i % 7), 'u' || (i % 11)] as ids, i / 7.0 as ratio, i % 3 = 0 as flag
  from range(${ROWS}) t(i)`;

async function main(): Promise<void> {
  const name = `pond_bench_sink_${randomBytes(4).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await admin(`create database ${name}`);
  const engine = await openEngine();
  try {
    const payload = await partition(engine, 'v1');
    log(`PostgreSQL sink: ${fmt(ROWS, 0)} rows, ${payload.columns.length} columns, ${REPEAT} repeats each (after one warm-up each)`);
    const copySink = new PostgresSink({ url: url.toString(), schema: 'public', table: 'by_copy', where: 'bench' });
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    const copy: number[] = [];
    const insert: number[] = [];
    try {
      for (let r = 0; r <= REPEAT; r++) {
        const c = await time(() => copySink.publish(payload));
        const i = await time(() => insertPublish(pool, 'by_insert', payload));
        if (r === 0) continue;
        copy.push(c.ms);
        insert.push(i.ms);
        log(`  repeat ${r}: COPY ${fmt(c.ms, 0)} ms, INSERT ${fmt(i.ms, 0)} ms`);
      }
      const counts = await pool.query<{ a: number; b: number }>('select (select count(*) from by_copy)::int as a, (select count(*) from by_insert)::int as b');
      if (counts.rows[0]?.a !== ROWS || counts.rows[0]?.b !== ROWS)
        throw new Error(`expected ${ROWS} rows in each table, got ${JSON.stringify(counts.rows[0])}`);
    } finally {
      await copySink.close();
      await pool.end();
    }
    const c = median(copy);
    const i = median(insert);
    log(`COPY   median ${fmt(c, 0)} ms, ${fmt(ROWS / (c / 1000), 0)} rows/s`);
    log(`INSERT median ${fmt(i, 0)} ms, ${fmt(ROWS / (i / 1000), 0)} rows/s`);
    log(`COPY is ${fmt(i / c, 2)}x the INSERT throughput`);
  } finally {
    engine.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
}

/** A Parquet file of ROWS rows, read as the publisher's payload reads a version. */
async function partition(engine: Engine, versionId: string): Promise<PartitionPayload> {
  mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, 'sink-postgres.parquet');
  const session = await engine.connect();
  try {
    await session.run(`copy (${GENERATE}) to ${sqlString(file)} (format parquet, compression 'zstd')`);
  } finally {
    session.close();
  }
  const columns = await (async () => {
    const s = await engine.connect();
    try {
      return await s.describe(`select * from read_parquet(${sqlString(file)})`);
    } finally {
      s.close();
    }
  })();
  return {
    dataset: 'bench',
    idx: 0,
    key: '2026-11-20T00:00Z/P1D',
    path: 'date=2026-11-20',
    versionId,
    rowCount: ROWS,
    columns,
    async *rows(dialect) {
      const select = columns.map((c) => `${sinkColumn(c, dialect).select} as ${quoteIdent(c.name)}`).join(', ');
      const session = await engine.connect();
      try {
        yield* session.batches(`select ${select} from read_parquet(${sqlString(file)})`);
      } finally {
        session.close();
      }
    },
    copyTo: () => Promise.reject(new Error('not used')),
  };
}

/**
 * The baseline: how the sink published before COPY — delete the partition's
 * rows, then multi-row INSERTs of up to 5,000 rows and 30,000 bound
 * parameters each, in one transaction (creating the table on first use).
 */
async function insertPublish(pool: pg.Pool, table: string, payload: PartitionPayload): Promise<void> {
  const columns = payload.columns.map((c) => sinkColumn(c, 'postgres'));
  const qualified = quoteIdent(table);
  const client = await pool.connect();
  try {
    await client.query('begin');
    const defs = [
      `${quoteIdent(PARTITION_COLUMN)} text not null`,
      `${quoteIdent(VERSION_COLUMN)} text not null`,
      ...columns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`),
    ];
    await client.query(`create table if not exists ${qualified} (${defs.join(', ')})`);
    await client.query(`create index if not exists ${quoteIdent(`${table}_pond_partition_idx`)} on ${qualified} (${quoteIdent(PARTITION_COLUMN)})`);
    await client.query(`delete from ${qualified} where ${quoteIdent(PARTITION_COLUMN)} = $1`, [payload.key]);
    const names = [PARTITION_COLUMN, VERSION_COLUMN, ...columns.map((c) => c.name)];
    const perStatement = Math.max(1, Math.min(5_000, Math.floor(30_000 / names.length)));
    const head = `insert into ${qualified} (${names.map(quoteIdent).join(', ')}) values `;
    for await (const batch of rebatch(payload.rows('postgres'), perStatement)) {
      const params: unknown[] = [];
      const tuples = batch.map((row) => {
        const start = params.length;
        params.push(payload.key, payload.versionId, ...columns.map((c) => bindable(row[c.name])));
        return `(${names.map((_, i) => `$${start + i + 1}`).join(', ')})`;
      });
      await client.query(head + tuples.join(', '), params);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

await main();
