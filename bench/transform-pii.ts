/**
 * Benchmark 1 with personal data on: the same events (benchmark 1's four
 * fields plus an `email`) loaded into two projects, one whose stream declares
 * `user_id` an identifier and `email` personal (so the lake holds pseudonyms
 * and ciphertext, see README "Encryption at landing"), one that declares
 * nothing (the baseline). Three datasets, the same SQL in both, built
 * in-process, alternating, median of BENCH_REPEAT:
 *
 * - `sku_totals`: benchmark 1's aggregate; reads no personal column;
 * - `user_totals`: an aggregate by subject; groups pseudonyms (ps_ + 22
 *   characters) instead of the clear ids;
 * - `email_rows`: a projection of every event with its email; reads and
 *   writes ciphertext strings instead of the addresses.
 *
 * Env: BENCH_EVENTS (default 2,000,000), BENCH_REPEAT (default 3).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { openContext } from '../src/cli/context.ts';
import { Executor } from '../src/orchestrate/index.ts';
import { cli, fmt, generateSales, log, makeProject, median, time } from './lib.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const HOURS = 48;
const START = Date.parse('2026-11-22T00:00:00Z');

const DATASETS: Record<string, string> = {
  sku_totals: 'select sku, count(*) as n, sum(amount) as amount from events group by sku',
  user_totals: 'select user_id, count(*) as n, sum(amount) as amount from events group by user_id',
  email_rows: 'select time_utc, user_id, email, amount from events',
};

function schema(pii: boolean): object {
  const mark = (cls: string) => (pii ? { 'x-pond-pii': cls } : {});
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['time_utc', 'user_id', 'sku', 'amount'],
    properties: {
      time_utc: { type: 'string', format: 'date-time' },
      user_id: { type: 'string', ...mark('identifier') },
      email: { type: 'string', ...mark('personal') },
      sku: { type: 'string' },
      amount: { type: 'number' },
    },
    additionalProperties: false,
  };
}

const PIPELINE = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.schema.json', time: 'time_utc', partition: 'hour', lateness: '10m' });
${Object.entries(DATASETS)
  .map(([name, sql]) => `export const ${name} = dataset({ name: '${name}', inputs: { events }, partition: 'none', sql: ${JSON.stringify(sql)} });`)
  .join('\n')}
`;

export async function run(): Promise<Record<string, number>> {
  log(
    `== transform with personal data: ${EVENTS.toLocaleString('en')} events over ${HOURS} hourly partitions, user_id identifier and email personal, against the same stream without declarations`,
  );
  const dirs = {
    plain: makeProject({ name: 'transform-pii-plain', schema: schema(false), pipeline: PIPELINE }),
    pii: makeProject({ name: 'transform-pii', schema: schema(true), pipeline: PIPELINE }),
  };
  const ndjson = path.join(dirs.plain, 'events.ndjson');
  await generateSales(ndjson, { events: EVENTS, hours: HOURS, start: START, email: true });
  log(`generated ${(statSync(ndjson).size / 1e6).toFixed(0)} MB NDJSON`);
  const loadPlain = cli(dirs.plain, ['load', 'events', ndjson, '--json']).ms;
  const loadPii = cli(dirs.pii, ['load', 'events', ndjson, '--json']).ms;
  log(`pond load (CLI): without ${fmt(loadPlain / 1000)} s, with personal data ${fmt(loadPii / 1000)} s, ratio ${fmt(loadPii / loadPlain, 2)}×`);

  const contexts = { plain: await openContext({ project: dirs.plain }), pii: await openContext({ project: dirs.pii }) };
  const times: Record<string, number[]> = {};
  const buildOne = async (variant: 'plain' | 'pii', name: string) => {
    const r = await time(() => new Executor(contexts[variant]).build({ force: true, scope: new Set([name]) }));
    if (r.value.succeeded !== 1) throw new Error(`expected 1 partition of ${name} (${variant}) built, got ${JSON.stringify(r.value)}`);
    return r.ms;
  };
  try {
    for (const name of Object.keys(DATASETS)) for (const variant of ['plain', 'pii'] as const) await buildOne(variant, name); // warm-up
    for (let i = 0; i < REPEAT; i++) {
      for (const name of Object.keys(DATASETS)) {
        for (const variant of ['plain', 'pii'] as const) (times[`${name}/${variant}`] ??= []).push(await buildOne(variant, name));
      }
    }
  } finally {
    await contexts.plain.close();
    await contexts.pii.close();
  }
  const out: Record<string, number> = { loadRatio: loadPii / loadPlain };
  for (const name of Object.keys(DATASETS)) {
    const plain = times[`${name}/plain`] as number[];
    const pii = times[`${name}/pii`] as number[];
    const ratio = median(pii) / median(plain);
    log(
      `${name.padEnd(12)} without: ${fmt(median(plain))} ms [${plain.map((x) => fmt(x)).join(', ')}]  with personal data: ${fmt(median(pii))} ms [${pii.map((x) => fmt(x)).join(', ')}]  ratio ${fmt(ratio, 2)}×`,
    );
    out[`${name}PlainMs`] = median(plain);
    out[`${name}PiiMs`] = median(pii);
    out[`${name}Ratio`] = ratio;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
