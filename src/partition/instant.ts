/**
 * Times as users write them: an ISO 8601 date or date-time, in UTC unless it
 * names a zone. `'2026-11-01'` is midnight UTC; `'2026-11-01T06:00'` is 06:00 UTC.
 *
 * @example
 * parseInstant('2026-11-01T06:00') // Date.UTC(2026, 10, 1, 6)
 * parseInstant('yesterday') // undefined
 */
export function parseInstant(text: string): number | undefined {
  const iso = /T/.test(text) ? (/[Zz]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`) : `${text}T00:00:00Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
