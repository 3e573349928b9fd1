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
import { plan } from '../src/orchestrate/index.ts';
import { openStateStore } from '../src/state/index.ts';
import { HOURLY_PIPELINE, HOURLY_SCHEMA, fillHourly } from '../test/helpers/fill-partitions.ts';
import { cli, fmt, log, makeProject, median, time } from './lib.ts';

const N = Number(process.env.BENCH_PLAN_PARTITIONS ?? 1_000_000);
const BATCH = 50_000;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

export async function run(): Promise<Record<string, number>> {
  log(`== planning: ${N.toLocaleString('en')} raw partitions + ${N.toLocaleString('en')} dataset partitions, all fresh`);
  const dir = makeProject({ name: 'planning', schema: HOURLY_SCHEMA, pipeline: HOURLY_PIPELINE });
  const project = await loadProject(dir);
  const state = await openStateStore({ url: project.stateUrl, sqlitePath: project.sqlitePath });
  const fill = await time(() => fillHourly(project, state, N, BATCH));
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
  log(
    `plan() in-process:        ${fmt(planMs)} ms (min ${fmt(Math.min(...plans))})  [${plans.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(planMs / floorMs, 2)}x  (target < 1000 ms)`,
  );
  log(`pond build --dry-run CLI: ${fmt(median(dry))} ms  [${dry.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(median(dry) / floorMs, 2)}x`);
  log(`pond status CLI:          ${fmt(median(status))} ms  [${status.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(median(status) / floorMs, 2)}x`);
  log(`(pond --help CLI, process start + tsx: ${fmt(startup)} ms)`);
  return {
    floorMs,
    floor2Ms: median(floor2),
    planMinMs: Math.min(...plans),
    planMs,
    planFirstMs: plans[0] ?? 0,
    planWarmMs: plans.length > 1 ? median(plans.slice(1)) : (plans[0] ?? 0),
    dryRunCliMs: median(dry),
    statusCliMs: median(status),
    startupMs: startup,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
