/**
 * Benchmark 3, planning: one stream with 1,000,000 hourly raw partitions and
 * one hourly dataset with all 1,000,000 partitions built and fresh, inserted
 * through `state.commitVersions` (fake file paths: planning reads no files).
 * Times `plan()` in-process, and the CLI `pond build --dry-run` and
 * `pond status` (wall, process start included). Baseline: better-sqlite3
 * iterating 1,000,000 raw (idx, current_seq) rows of the same file.
 *
 * Env: BENCH_PLAN_PARTITIONS (default 1,000,000).
 */
import Database from 'better-sqlite3';
import { loadProject } from '../src/config/index.ts';
import { partitionKey } from '../src/define/index.ts';
import { plan } from '../src/orchestrate/index.ts';
import { openStateStore, type NewVersion } from '../src/state/index.ts';
import { cli, fmt, log, makeProject, median, time } from './lib.ts';

const N = Number(process.env.BENCH_PLAN_PARTITIONS ?? 1_000_000);
const BATCH = 50_000;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['time_utc'],
  properties: { time_utc: { type: 'string', format: 'date-time' } },
};
const PIPELINE = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.schema.json', time: 'time_utc', partition: 'hour', lateness: '10m' });
export const hourly = dataset({ name: 'hourly', inputs: { events }, sql: 'select count(*) as n from events' });
`;

export async function run(): Promise<Record<string, number>> {
  log(`== planning: ${N.toLocaleString('en')} raw partitions + ${N.toLocaleString('en')} dataset partitions, all fresh`);
  const dir = makeProject({ name: 'planning', schema: SCHEMA, pipeline: PIPELINE });
  const project = await loadProject(dir);
  const streamModel = project.streams.get('events')!;
  const model = project.datasets.get('hourly')!;
  const state = await openStateStore({ url: project.stateUrl, sqlitePath: project.sqlitePath });
  const HOUR = 3_600_000;
  const fill = await time(async () => {
    const now = Date.now();
    for (let from = 0; from < N; from += BATCH) {
      const to = Math.min(N, from + BATCH);
      const raw: NewVersion[] = [];
      for (let idx = from; idx < to; idx++) {
        const key = partitionKey(streamModel.partitioning, idx);
        raw.push({
          id: `r${idx}`, dataset: 'events', idx, key, prefix: `raw/events/${idx}/r${idx}`,
          files: [{ path: `raw/events/${idx}/r${idx}/part-0.parquet`, rows: 1, bytes: 100 }], rows: 1, bytes: 100,
          schema: [{ name: 'time_utc', type: 'TIMESTAMP WITH TIME ZONE' }], codeFingerprint: 'raw', inputSeq: 0, inputs: [],
          runId: null, cause: 'new-data', createdAt: now, buildMs: 0,
        });
      }
      const seqs = await state.commitVersions(raw);
      const derived: NewVersion[] = raw.map((r, i) => ({
        ...r, id: `d${r.idx}`, dataset: 'hourly', key: partitionKey(model.partitioning, r.idx), prefix: `datasets/hourly/${r.idx}/d${r.idx}`,
        files: [{ path: `datasets/hourly/${r.idx}/d${r.idx}/part-0.parquet`, rows: 1, bytes: 100 }],
        codeFingerprint: model.codeFingerprint, inputSeq: seqs[i]!, inputs: [{ dataset: 'events', key: r.key, version: r.id }], cause: 'missing',
      }));
      await state.commitVersions(derived);
    }
    // Keep the stream "active" (last received in the future, so never idle): its
    // watermark is then newest event - lateness = N * HOUR exactly, and the
    // desired span is exactly windows [0, N), all built and fresh.
    await state.recordStreamActivity('events', { maxEventTime: N * HOUR + 10 * 60_000, receivedAt: now + 365 * 86_400_000, events: N, deadLetters: 0 });
  });
  log(`filled state store in ${fmt(fill.ms / 1000)} s`);

  const plans: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const r = await time(() => plan(project, state, { now: Date.now() }));
    const d = r.value.datasets.get('hourly')!;
    const planned = d.planned.reduce((a, b) => a + b, 0);
    if (i === 0) log(`plan: span ${d.span ? d.span.end - d.span.start : 0} windows, planned ${planned}`);
    plans.push(r.ms);
  }
  await state.close();
  const planMs = median(plans);

  const dry: number[] = [];
  const status: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const r = cli(dir, ['build', '--dry-run', '--json']);
    if (i === 0) log(`dry-run output: ${r.stdout.replace(/\s+/g, ' ').slice(0, 160)}`);
    dry.push(r.ms);
    status.push(cli(dir, ['status', '--json']).ms);
  }
  const startup = median([0, 1, 2].map(() => cli(dir, ['--help']).ms));

  // Floor: 1,000,000 raw (idx, seq) rows through better-sqlite3.
  const db = new Database(project.sqlitePath, { readonly: true });
  const floor: number[] = [];
  const floor2: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const r = await time(async () => {
      const stmt = db.prepare('select idx, current_seq from partitions where dataset = ? order by idx').raw(true);
      let n = 0;
      for (const _row of stmt.iterate('hourly')) n++;
      return n;
    });
    floor.push(r.ms);
    // What plan() itself must read: the stream's rows and the dataset's.
    const r2 = await time(async () => {
      let n = 0;
      for (const d of ['events', 'hourly']) {
        const stmt = db.prepare('select idx, current_seq from partitions where dataset = ? order by idx').raw(true);
        for (const _row of stmt.iterate(d)) n++;
      }
      return n;
    });
    floor2.push(r2.ms);
  }
  db.close();
  const floorMs = median(floor);

  log(`baseline better-sqlite3 iterate ${N} rows: ${fmt(floorMs)} ms  [${floor.map((x) => fmt(x)).join(', ')}]`);
  log(`baseline x2 (stream + dataset rows, what plan() reads): ${fmt(median(floor2))} ms`);
  // The first plan() after the bulk insert reads in full and writes the partition snapshots; later ones read snapshot + delta.
  if (plans.length > 1) log(`plan() in-process, 2nd and later runs: median ${fmt(median(plans.slice(1)))} ms (first run ${fmt(plans[0] as number)} ms)`);
  log(`plan() in-process:        ${fmt(planMs)} ms (min ${fmt(Math.min(...plans))})  [${plans.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(planMs / floorMs, 2)}x  (target < 1000 ms)`);
  log(`pond build --dry-run CLI: ${fmt(median(dry))} ms  [${dry.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(median(dry) / floorMs, 2)}x`);
  log(`pond status CLI:          ${fmt(median(status))} ms  [${status.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(median(status) / floorMs, 2)}x`);
  log(`(pond --help CLI, process start + tsx: ${fmt(startup)} ms)`);
  return { floorMs, floor2Ms: median(floor2), planMinMs: Math.min(...plans), planMs, planFirstMs: plans[0] ?? 0, planWarmMs: plans.length > 1 ? median(plans.slice(1)) : (plans[0] ?? 0), dryRunCliMs: median(dry), statusCliMs: median(status), startupMs: startup };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
