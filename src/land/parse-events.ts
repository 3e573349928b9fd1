/**
 * Reads a batch of events as sent: a JSON array, or newline-delimited JSON.
 * Each event keeps its exact original text; a line that is not JSON is kept
 * too, with the reason, so that it can go to the dead letters.
 */

export interface ParsedEvent {
  /** 1-based line (NDJSON) or 0-based array index (JSON array), for messages. */
  readonly position: string;
  /** The event exactly as received. */
  readonly raw: string;
  readonly value?: unknown;
  readonly error?: string;
}

/**
 * @example
 * parseEvents('{"a":1}\nnot json\n') // [{ position: 'line 1', raw: '{"a":1}', value: { a: 1 } }, { position: 'line 2', …, error: 'not JSON: …' }]
 */
export function parseEvents(text: string): ParsedEvent[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let array: unknown;
    try {
      array = JSON.parse(trimmed);
    } catch {
      array = undefined;
    }
    if (Array.isArray(array)) return array.map((value, i) => ({ position: `index ${i}`, raw: JSON.stringify(value), value }));
  }
  const out: ParsedEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    if (raw.trim() === '') continue;
    try {
      out.push({ position: `line ${i + 1}`, raw, value: JSON.parse(raw) });
    } catch (error) {
      out.push({ position: `line ${i + 1}`, raw, error: `not JSON: ${(error as Error).message}` });
    }
  }
  return out;
}
