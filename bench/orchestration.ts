/**
 * Benchmark 2, orchestration overhead: a chain stream -> A -> B -> C of hourly
 * SQL datasets with trivial SQL over N hourly windows (one event per hour),
 * built from empty by the in-process Executor. Baseline: bare DuckDB running
 * the same number (3N) of `COPY (trivial query over one small parquet) TO
 * file.parquet` in sequence in one process.
 *
 * Env: BENCH_PARTITIONS (windows per dataset, default 10,000).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openContext } from '../src/cli/context.ts';
import { Executor } from '../src/orchestrate/index.ts';
import { cli, fmt, log, makeProject, time } from './lib.ts';

const N = Number(process.env.BENCH_PARTITIONS ?? 10_000);
const START = Date.parse('2025-01-01T00:00:00Z');
const HOUR = 3_600_000;

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['time_utc', 'n'],
  properties: { time_utc: { type: 'string', format: 'date-time' }, n: { type: 'integer' } },
  additionalProperties: false,
};

// lateness 1h: while the stream is active (within an hour of the load) its
// watermark is newest event - 1h. The newest event sits at hour N+1, so the
// watermark is the start of hour N and exactly the N windows 0..N-1 are complete.
const PIPELINE = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.schema.json', time: 'time_utc', partition: 'hour', lateness: '1h' });
export const a = dataset({ name: 'a', inputs: { input: events }, sql: 'select count(*) as n from input' });
export const b = dataset({ name: 'b', inputs: { input: a }, sql: 'select count(*) as n from input' });
export const c = dataset({ name: 'c', inputs: { input: b }, sql: 'select count(*) as n from input' });
`;

export async function run(): Promise<Record<string, number>> {
  log(`== orchestration: chain of 3 hourly datasets x ${N.toLocaleString('en')} windows = ${(3 * N).toLocaleString('en')} partitions`);
  const dir = makeProject({ name: 'orchestration', schema: SCHEMA, pipeline: PIPELINE, concurrency: Number(process.env.BENCH_CONCURRENCY ?? 4) });
  const ndjson = path.join(dir, 'events.ndjson');
  const lines: string[] = [];
  for (let h = 0; h < N; h++) lines.push(JSON.stringify({ time_utc: new Date(START + h * HOUR).toISOString(), n: h }));
  lines.push(JSON.stringify({ time_utc: new Date(START + (N + 1) * HOUR).toISOString(), n: -1 }));
  writeFileSync(ndjson, `${lines.join('\n')}\n`);
  const load = cli(dir, ['load', 'events', ndjson, '--json']);
  log(`pond load of ${N + 1} events: ${fmt(load.ms / 1000)} s`);

  const ctx = await openContext({ project: dir });
  let built = 0;
  let pondMs = 0;
  try {
    const r = await time(() => new Executor(ctx).build({}));
    built = r.value.succeeded;
    pondMs = r.ms;
    if (r.value.failed > 0)
      throw new Error(
        `failures: ${r.value.failures
          .slice(0, 3)
          .map((f) => f.error.message)
          .join('; ')}`,
      );
  } finally {
    await ctx.close();
  }
  if (built !== 3 * N) log(`WARNING: built ${built} partitions, expected ${3 * N}`);

  // Baseline: the same number of trivial COPYs, in sequence, in one process.
  const rawDir = path.join(dir, '.pond', 'lake', 'raw', 'events');
  const find = (d: string): string => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        const f = find(p);
        if (f) return f;
      } else if (e.name.endsWith('.parquet')) return p;
    }
    return '';
  };
  const small = find(rawDir);
  const outDir = path.join(dir, 'baseline');
  mkdirSync(outDir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const copies = 3 * N;
  const base = await time(async () => {
    for (let i = 0; i < copies; i++) {
      await conn.run(`copy (select count(*) as n from read_parquet('${small}')) to '${outDir}/${i}.parquet' (format parquet, compression zstd)`);
    }
  });
  conn.closeSync();
  instance.closeSync();

  const pondPer = pondMs / built;
  const barePer = base.ms / copies;
  const rate = built / (pondMs / 1000);
  log(`bare DuckDB: ${copies} COPYs in ${fmt(base.ms / 1000, 2)} s = ${fmt(barePer, 3)} ms each`);
  log(`pond Executor: ${built} partitions in ${fmt(pondMs / 1000, 2)} s = ${fmt(rate, 0)} partitions/s (target >= 200), ${fmt(pondPer, 3)} ms each`);
  log(`overhead per partition: ${fmt(pondPer - barePer, 3)} ms (pond/bare ratio ${fmt(pondPer / barePer, 1)}x)`);
  return { partitions: built, pondMs, partitionsPerS: rate, pondMsPerPartition: pondPer, bareMsPerPartition: barePer, overheadMs: pondPer - barePer };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
