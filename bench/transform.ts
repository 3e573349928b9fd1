/**
 * Benchmark 1, transformation overhead: one unpartitioned SQL dataset
 * aggregating 2,000,000 events over 48 hourly raw partitions, built by Pond
 * (CLI wall time, and the Executor in-process) against bare DuckDB running the
 * same SQL over the same Parquet files into a zstd Parquet file.
 *
 * Env: BENCH_EVENTS (default 2,000,000), BENCH_REPEAT (default 3).
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openContext } from '../src/cli/context.ts';
import { Executor } from '../src/orchestrate/index.ts';
import { cli, fmt, generateSales, log, makeProject, median, time } from './lib.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const HOURS = 48;
const START = Date.parse('2026-11-22T00:00:00Z');
const SQL = 'select sku, count(*) as n, sum(amount) as amount from events group by sku';

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['time_utc', 'user_id', 'sku', 'amount'],
  properties: {
    time_utc: { type: 'string', format: 'date-time' },
    user_id: { type: 'string' },
    sku: { type: 'string' },
    amount: { type: 'number' },
  },
  additionalProperties: false,
};

const ROWS_SQL = 'select time_utc, user_id, sku, amount from events';

// partition 'none': one build over all 48 raw partitions is the same single
// query bare DuckDB runs, so the comparison is one query against one query.
// The _checked twins run the same SQL with five checks each: the price of
// checks on the core benchmark's dataset (1,000 rows out) and on a dataset
// as large as its input (2,000,000 rows out).
const PIPELINE = `import { check, dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.schema.json', time: 'time_utc', partition: 'hour', lateness: '10m' });
export const sku_totals = dataset({ name: 'sku_totals', inputs: { events }, partition: 'none', sql: ${JSON.stringify(SQL)} });
export const sku_totals_checked = dataset({
  name: 'sku_totals_checked', inputs: { events }, partition: 'none', sql: ${JSON.stringify(SQL)},
  checks: [
    check.notNull(['sku', 'n', 'amount']),
    check.unique('sku'),
    check.range('amount', { min: 0 }),
    check.rowCount({ min: 1 }),
    check.sql('counted', 'select * from sku_totals_checked where n <= 0'),
  ],
});
export const event_rows = dataset({ name: 'event_rows', inputs: { events }, partition: 'none', sql: ${JSON.stringify(ROWS_SQL)} });
export const event_rows_checked = dataset({
  name: 'event_rows_checked', inputs: { events }, partition: 'none', sql: ${JSON.stringify(ROWS_SQL)},
  checks: [
    check.notNull(['time_utc', 'user_id', 'sku']),
    check.unique(['time_utc', 'user_id', 'sku', 'amount']),
    check.range('amount', { min: 0, max: 1000 }),
    check.rowCount({ min: 1 }),
    check.sql('sku_format', "select * from event_rows_checked where sku not like 'sku-%'"),
  ],
});
`;

function parquetFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.parquet')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export async function run(): Promise<Record<string, number>> {
  log(`== transform: ${EVENTS.toLocaleString('en')} events over ${HOURS} hourly partitions, dataset partition 'none'`);
  const dir = makeProject({ name: 'transform', schema: SCHEMA, pipeline: PIPELINE });
  const ndjson = path.join(dir, 'events.ndjson');
  const gen = await time(() => generateSales(ndjson, { events: EVENTS, hours: HOURS, start: START }));
  log(`generated ${(statSync(ndjson).size / 1e6).toFixed(0)} MB NDJSON in ${fmt(gen.ms / 1000)} s`);
  const load = cli(dir, ['load', 'events', ndjson, '--json']);
  log(`pond load: ${fmt(load.ms / 1000)} s (${Math.round(EVENTS / (load.ms / 1000)).toLocaleString('en')} events/s) ${load.stdout.trim().slice(0, 200)}`);
  const files = parquetFiles(path.join(dir, '.pond', 'lake', 'raw', 'events'));
  log(`raw parquet files: ${files.length}`);

  // Pond CLI: first build, then --force rebuilds.
  const cliTimes: number[] = [];
  const first = cli(dir, ['build', 'sku_totals', '--json']);
  log(`pond build (CLI, first): ${fmt(first.ms)} ms ${first.stdout.trim().slice(0, 120)}`);
  for (let i = 0; i < REPEAT; i++) cliTimes.push(cli(dir, ['build', 'sku_totals', '--force', '--json']).ms);
  const cliBuild = median(cliTimes);

  // Pond in-process: the Executor on an open context (no process start, no project load).
  // Each dataset and its checked twin alternate, so drift hits both alike.
  const ctx = await openContext({ project: dir });
  const times: Record<string, number[]> = { sku_totals: [], sku_totals_checked: [], event_rows: [], event_rows_checked: [] };
  const buildOne = async (name: string) => {
    const r = await time(() => new Executor(ctx).build({ force: true, scope: new Set([name]) }));
    if (r.value.succeeded !== 1) throw new Error(`expected 1 partition of ${name} built, got ${JSON.stringify(r.value)}`);
    return r.ms;
  };
  try {
    for (const name of Object.keys(times)) await buildOne(name); // warm-up: opens the DuckDB engine
    for (let i = 0; i < REPEAT; i++) for (const name of Object.keys(times)) times[name]?.push(await buildOne(name));
  } finally {
    await ctx.close();
  }
  const inproc = times.sku_totals as number[];
  const pondInProc = median(inproc);
  const med = (name: string) => median(times[name] as number[]);
  const checksSmall = med('sku_totals_checked') / pondInProc;
  const checksLarge = med('event_rows_checked') / med('event_rows');

  // Baseline: bare DuckDB, one process, same SQL over the same files, zstd Parquet out.
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
  const outFile = path.join(dir, 'baseline.parquet');
  const baselineOnce = async () => {
    await conn.run(`create or replace temp view events as select * from read_parquet(${list})`);
    await conn.run(`copy (${SQL}) to '${outFile}' (format parquet, compression zstd)`);
  };
  await baselineOnce(); // warm-up
  const base: number[] = [];
  for (let i = 0; i < REPEAT; i++) base.push((await time(baselineOnce)).ms);
  conn.closeSync();
  instance.closeSync();
  const duck = median(base);

  log(`bare DuckDB (baseline): ${fmt(duck)} ms  [${base.map((x) => fmt(x)).join(', ')}]`);
  log(`pond in-process Executor: ${fmt(pondInProc)} ms  [${inproc.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(pondInProc / duck, 2)}x (target <= 1.2x)`);
  log(`pond build CLI wall:      ${fmt(cliBuild)} ms  [${cliTimes.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(cliBuild / duck, 2)}x`);
  log(
    `checks, baseline sku_totals in-process: sku_totals_checked (5 checks, 1,000 rows) ${fmt(med('sku_totals_checked'))} ms  [${(times.sku_totals_checked as number[]).map((x) => fmt(x)).join(', ')}]  ratio ${fmt(checksSmall, 2)}x (target <= 1.25x)`,
  );
  log(
    `checks, baseline event_rows ${fmt(med('event_rows'))} ms  [${(times.event_rows as number[]).map((x) => fmt(x)).join(', ')}]: event_rows_checked (5 checks, ${EVENTS.toLocaleString('en')} rows) ${fmt(med('event_rows_checked'))} ms  [${(times.event_rows_checked as number[]).map((x) => fmt(x)).join(', ')}]  ratio ${fmt(checksLarge, 2)}x`,
  );
  return {
    duckMs: duck,
    pondInProcMs: pondInProc,
    pondCliMs: cliBuild,
    ratioInProc: pondInProc / duck,
    ratioCli: cliBuild / duck,
    loadMs: load.ms,
    checksRatio: checksSmall,
    checksRatioLarge: checksLarge,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
