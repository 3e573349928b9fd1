/**
 * A stream's raw columns as they land when it declares a data subject: its
 * identifier columns hold pseudonyms, its personal columns (and `_ip`, `_raw`)
 * hold ciphertext (see src/privacy/), so whatever type the schema gives them,
 * they are VARCHAR in the lake — and in the views, inputs and checks that read
 * it. The other columns keep their types.
 */
import type { Column } from '../model/index.ts';
import type { StreamPii } from './project.ts';

/** Meta columns that hold personal data when the stream has a subject: the event as received, and the client's IP. */
const ENCRYPTED_META = ['_raw', '_ip'];

/** Whether a stream's events are protected when they land: it names a data subject (an identifier). */
export function protectsPersonalData(pii: StreamPii): boolean {
  return pii.identifiers.length > 0;
}

/** The columns that land as ciphertext under the subject's key: the personal ones, `_raw` and `_ip`. */
export function encryptedFields(pii: StreamPii): readonly string[] {
  return [...pii.personal, ...ENCRYPTED_META];
}

/**
 * @example
 * encryptedColumns([{ name: 'user_id', type: 'BIGINT' }, { name: 'n', type: 'BIGINT' }], { identifiers: ['user_id'], personal: [] })
 * // [{ name: 'user_id', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }]
 */
export function encryptedColumns(columns: readonly Column[], pii: StreamPii): readonly Column[] {
  if (!protectsPersonalData(pii)) return columns;
  const protectedNames = new Set([...pii.identifiers, ...encryptedFields(pii)]);
  return columns.map((c) => (protectedNames.has(c.name) && c.type !== 'VARCHAR' ? { ...c, type: 'VARCHAR' } : c));
}
