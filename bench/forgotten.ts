/**
 * What forgotten subjects cost every reader: builds that read a raw stream
 * leave the forgotten subjects' rows out (privacy/forgotten/), by the list in
 * the DuckDB instance's `pond_forgotten` table. The same 47 hourly
 * partitions (of 48,000 events of 5,000 subjects; the newest waits for the
 * watermark) are rebuilt (`--force`, in
 * process) with nobody forgotten (the baseline) and with 1,000, 10,000 and
 * 100,000 forgotten subjects; median of 3 each.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openContext } from '../src/cli/context.ts';
import { loadFile } from '../src/land/index.ts';
import { Executor } from '../src/orchestrate/index.ts';
import { fmt, log, makeProject, median, time } from './lib.ts';

const HOURS = 48;
const PER_HOUR = 1000;
const SUBJECTS = 5000;
const RUNS = 3;

const schema = {
  type: 'object',
  required: ['user_id', 'time_utc'],
  properties: {
    user_id: { type: 'string', 'x-pond-pii': 'identifier' },
    email: { type: 'string', 'x-pond-pii': 'personal' },
    amount: { type: 'number' },
    time_utc: { type: 'string', format: 'date-time' },
  },
};

const pipeline = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.schema.json', time: 'time_utc', partition: 'hour', start: '2026-01-01', lateness: '1m' });
export const spend = dataset({ name: 'spend', inputs: { events }, sql: 'select user_id, count(*) as n, sum(amount) as amount from events group by user_id' });
`;

export async function run(): Promise<Record<string, number>> {
  const dir = makeProject({ name: 'forgotten', schema, pipeline, concurrency: 2 });
  const file = path.join(dir, 'events.ndjson');
  const start = Date.UTC(2026, 10, 20);
  let text = '';
  for (let i = 0; i < HOURS * PER_HOUR; i++) {
    const u = i % SUBJECTS;
    text += `${JSON.stringify({ user_id: `user-${u}`, email: `person${u}@mail.example`, amount: (i % 97) + 0.5, time_utc: new Date(start + (i * 3_600_000) / PER_HOUR).toISOString() })}\n`;
  }
  writeFileSync(file, text);
  const ctx = await openContext({ project: dir });
  try {
    await loadFile(ctx, ctx.project.streams.get('events')!, file);
    // The newest hour waits for the watermark: the others are built.
    const built = (await new Executor(ctx).build({})).succeeded;
    const rebuild = async () => {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await time(() => new Executor(ctx).build({ force: true }));
        if (r.value.succeeded !== built) throw new Error(`rebuilt ${r.value.succeeded} of ${built} partitions`);
        times.push(r.ms);
      }
      return times;
    };
    const results: Array<{ forgotten: number; times: number[] }> = [{ forgotten: 0, times: await rebuild() }];
    let forgotten = 0;
    for (const target of [1_000, 10_000, 100_000]) {
      // Subjects with no data: what is measured is the reading, not fewer rows.
      const requests = Array.from({ length: target - forgotten }, (_, i) => ({
        id: `fgt_bench_${forgotten + i}`,
        pseudonym: `ps_bench${String(forgotten + i).padStart(17, '0')}`,
        requestedAt: Date.now(),
        requestedBy: 'bench',
        reason: 'benchmark',
      }));
      for (let i = 0; i < requests.length; i += 10_000) await ctx.state.recordForgetRequests(requests.slice(i, i + 10_000));
      forgotten = target;
      results.push({ forgotten, times: await rebuild() });
    }
    const base = median(results[0]!.times);
    log(
      `forgotten subjects: rebuilding ${built} hourly partitions (${(HOURS * PER_HOUR).toLocaleString('en')} events of ${SUBJECTS.toLocaleString('en')} subjects) from a raw stream with personal data, median of ${RUNS}`,
    );
    const out: Record<string, number> = { baselineMs: base };
    for (const r of results) {
      const ratio = median(r.times) / base;
      log(
        `  ${r.forgotten.toLocaleString('en').padStart(7)} forgotten: ${r.times.map((x) => fmt(x, 0)).join(', ')} ms → ${fmt(ratio, 2)}× the baseline (nobody forgotten)`,
      );
      out[`ratio${r.forgotten}`] = ratio;
    }
    return out;
  } finally {
    await ctx.close();
  }
}
