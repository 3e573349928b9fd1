/**
 * The cost of encryption at landing: `pond load` of 200,000 events with an
 * identifier and two personal fields, into a stream that declares them
 * (pseudonyms, ciphertext, `_raw` encrypted) and into the same stream without
 * declarations (the baseline). Loads run in process (no CLI start-up), into a
 * fresh lake each time, alternating, median of 3; 20,000 distinct subjects,
 * so that keys are created (the first run of each lake) and then reused.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openContext } from '../src/cli/context.ts';
import { loadFile } from '../src/land/index.ts';
import { fmt, log, makeProject, median, time } from './lib.ts';

const EVENTS = 200_000;
const SUBJECTS = 20_000;
const RUNS = 3;

function schema(pii: boolean): object {
  const mark = (cls: string) => (pii ? { 'x-pond-pii': cls } : {});
  return {
    type: 'object',
    required: ['user_id', 'time_utc'],
    properties: {
      user_id: { type: 'string', ...mark('identifier') },
      email: { type: 'string', ...mark('personal') },
      name: { type: 'string', ...mark('personal') },
      plan: { type: 'string' },
      amount: { type: 'number' },
      time_utc: { type: 'string', format: 'date-time' },
    },
  };
}

function writeEvents(file: string): void {
  const start = Date.UTC(2026, 10, 20);
  let text = '';
  for (let i = 0; i < EVENTS; i++) {
    const u = i % SUBJECTS;
    text += `${JSON.stringify({ user_id: `user-${u}`, email: `person${u}@mail.example`, name: `Person Number ${u}`, plan: u % 3 ? 'pro' : 'free', amount: (i % 97) + 0.5, time_utc: new Date(start + i * 1000).toISOString() })}\n`;
  }
  writeFileSync(file, text);
}

async function loadOnce(name: string, pii: boolean, file: string): Promise<number> {
  const dir = makeProject({
    name,
    schema: schema(pii),
    pipeline: `import { stream } from 'pond';\nexport const events = stream({ name: 'events', schema: 'schemas/events.schema.json', time: 'time_utc', partition: 'day', start: '2026-01-01' });\n`,
  });
  const ctx = await openContext({ project: dir });
  try {
    const { ms, value } = await time(() => loadFile(ctx, ctx.project.streams.get('events')!, file));
    if (value.accepted !== EVENTS) throw new Error(`${name}: ${value.accepted} of ${EVENTS} accepted`);
    return ms;
  } finally {
    await ctx.close();
  }
}

export async function run(): Promise<Record<string, number>> {
  const file = path.join(makeProject({ name: 'landing-encryption-data', schema: {}, pipeline: '' }), 'events.ndjson');
  writeEvents(file);
  const plain: number[] = [];
  const encrypted: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    plain.push(await loadOnce(`landing-plain-${i}`, false, file));
    encrypted.push(await loadOnce(`landing-encrypted-${i}`, true, file));
  }
  const plainRate = EVENTS / (median(plain) / 1000);
  const encryptedRate = EVENTS / (median(encrypted) / 1000);
  log(
    `landing encryption: pond load of ${EVENTS.toLocaleString('en')} events (${SUBJECTS.toLocaleString('en')} subjects; user_id identifier, email and name personal), median of ${RUNS}`,
  );
  log(`  without pii declarations: ${plain.map((x) => fmt(x, 0)).join(', ')} ms → ${fmt(plainRate, 0)} events/s`);
  log(`  with encryption:          ${encrypted.map((x) => fmt(x, 0)).join(', ')} ms → ${fmt(encryptedRate, 0)} events/s`);
  log(`  slowdown: ${fmt(median(encrypted) / median(plain), 2)}× (target ≤ 1.30×)`);
  return { plainEventsPerSecond: plainRate, encryptedEventsPerSecond: encryptedRate, slowdown: median(encrypted) / median(plain) };
}
