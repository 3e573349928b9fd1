import { parseInstant } from '../../partition/index.ts';
import { PondError } from '../../errors/index.ts';

/** A time given on the command line: ISO 8601 date or time (UTC unless it says otherwise). */
export function parseTime(text: string, option: string): number {
  const ms = parseInstant(text);
  if (ms === undefined)
    throw new PondError('BAD_ARGUMENT', `${option} "${text}" is not a date or time`, { hint: 'use ISO 8601, such as 2026-11-20 or 2026-11-20T06:00Z' });
  return ms;
}
