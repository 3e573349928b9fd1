/**
 * Writes generated shop events as one NDJSON file per stream.
 *
 *   node --import tsx examples/shop/generator/cli.ts --from 2026-11-20 --to 2026-11-22 --out DIR \
 *     [--events-per-hour N] [--devices N] [--users N] [--late-fraction F] [--malformed-fraction F] [--seed N]
 *
 * `--from` and `--to` are ISO dates or times in UTC; `--to` is exclusive.
 */
import { parseArgs } from 'node:util';
import { STREAM_NAMES, writeNdjsonFiles, type GenerateOptions } from './generate.ts';

function fail(message: string): never {
  console.error(`generate: ${message}`);
  process.exit(2);
}

function parseTime(name: string, text: string | undefined): Date {
  if (text === undefined) fail(`--${name} is required`);
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) fail(`--${name} is not a date or time: ${text}`);
  return date;
}

function parseNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) fail(`--${name} must be a non-negative number, got ${text}`);
  return value;
}

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
    'events-per-hour': { type: 'string' },
    devices: { type: 'string' },
    users: { type: 'string' },
    'late-fraction': { type: 'string' },
    'malformed-fraction': { type: 'string' },
    seed: { type: 'string' },
  },
  strict: true,
});

if (values.out === undefined) fail('--out DIR is required');
const options: GenerateOptions = {
  from: parseTime('from', values.from),
  to: parseTime('to', values.to),
  eventsPerHour: parseNumber('events-per-hour', values['events-per-hour']),
  devices: parseNumber('devices', values.devices),
  users: parseNumber('users', values.users),
  lateFraction: parseNumber('late-fraction', values['late-fraction']),
  malformedFraction: parseNumber('malformed-fraction', values['malformed-fraction']),
  seed: parseNumber('seed', values.seed),
};
if (options.to <= options.from) fail('--to must be after --from');

const result = await writeNdjsonFiles(values.out, options);
for (const stream of STREAM_NAMES) {
  console.log(`${stream.padEnd(14)} ${String(result.counts[stream]).padStart(8)}  ${result.files[stream]}`);
}
console.log(`late ${result.late}, malformed ${result.malformed}`);
