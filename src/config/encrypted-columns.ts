/**
 * A stream's raw columns as they land when it declares a data subject: its
 * identifier columns hold pseudonyms, its personal columns (and `_ip`, `_raw`)
 * hold ciphertext (see src/privacy/), so whatever type the schema gives them,
 * they are VARCHAR in the lake — and in the views, inputs and checks that read
 * it. The other columns keep their types.
 */
import type { Column } from '../state/index.ts';
import type { StreamPii } from './project.ts';

/** Meta columns that hold personal data when the stream has a subject. */
const ENCRYPTED_META = ['_ip', '_raw'];

/**
 * @example
 * encryptedColumns([{ name: 'user_id', type: 'BIGINT' }, { name: 'n', type: 'BIGINT' }], { identifiers: ['user_id'], personal: [] })
 * // [{ name: 'user_id', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }]
 */
export function encryptedColumns(columns: readonly Column[], pii: StreamPii): readonly Column[] {
  if (pii.identifiers.length === 0) return columns;
  const protectedNames = new Set([...pii.identifiers, ...pii.personal, ...ENCRYPTED_META]);
  return columns.map((c) => (protectedNames.has(c.name) && c.type !== 'VARCHAR' ? { ...c, type: 'VARCHAR' } : c));
}
