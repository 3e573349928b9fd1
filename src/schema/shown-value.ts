/**
 * A value of an event as a reason quotes it: its JSON, cut to a readable
 * length, with text that no column could store (a lone surrogate) escaped so
 * that the reason itself can always be stored. A reason never quotes a value
 * of a field that holds personal data: the caller says which fields do, and
 * gets a note in its place.
 */

/** The longest quote of a value in a reason, in characters. */
export const MAX_SHOWN = 60;

/**
 * @example
 * shownValue('gold') // '"gold"'
 * shownValue('x'.repeat(100)) // '"xxxx…" (100 characters)'
 * shownValue({ a: 1 }) // '{"a":1}'
 */
export function shownValue(value: unknown): string {
  const json = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  if (json.length <= MAX_SHOWN) return wellFormed(json);
  const size = typeof value === 'string' ? `${value.length} characters` : `${json.length} characters of JSON`;
  return `${wellFormed(json.slice(0, MAX_SHOWN - 1))}…${typeof value === 'string' ? '"' : ''} (${size})`;
}

/** What a reason says in place of a personal field's value. */
export const MASKED_VALUE = 'a value not shown (personal data)';

/**
 * Text with each lone surrogate written as its `\uXXXX` escape (a paired one
 * is kept): what a reason may quote of text that no column can store.
 *
 * @example
 * wellFormed('a\ud800b') // 'a\\ud800b'
 */
export function wellFormed(text: string): string {
  if (isWellFormed(text)) return text;
  return text.replace(LONE_SURROGATE, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** Whether `text` is Unicode: no lone surrogate (`String.prototype.isWellFormed`, ES2024, in every Node that Pond supports). */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** The index of the first lone surrogate of `text`, or -1. */
export function loneSurrogateAt(text: string): number {
  if (isWellFormed(text)) return -1;
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.exec(text)?.index ?? -1;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
