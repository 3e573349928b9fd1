/**
 * Shows personal data in query results, on explicit request (`pond query
 * --decrypt`): every value that is a Pond ciphertext is replaced by what it
 * holds, under the key its pseudonym names — or by null when the subject was
 * forgotten (its key is gone) or is unknown, or when no key reads it (a value
 * an expression changed: counted apart, so that it is not blamed on a key). Pseudonyms stay pseudonyms: they
 * cannot be reversed, by design; the clear identifiers are inside `_raw`,
 * which decrypts to the event as it was received.
 *
 * A ciphertext is bound to the stream and column it landed in (its additional
 * data), but a query may rename or derive columns: each value is tried
 * against the result column's own name first, then against every personal
 * column of every stream, which is a short list.
 */
import { encryptedFields, protectsPersonalData, type Project } from '../config/index.ts';
import { clearValueOf } from './decrypt-fields.ts';
import { CIPHERTEXT_PREFIX, ciphertextSubject, decryptText, fieldAad } from './field-cipher.ts';
import type { SubjectKeyRing } from './keys/index.ts';

export interface DecryptedRows {
  readonly rows: Record<string, unknown>[];
  /** Values shown decrypted. */
  readonly decrypted: number;
  /** Values of forgotten (or unknown) subjects, shown as null. */
  readonly forgotten: number;
  /**
   * Values that look like ciphertext of a subject whose key exists, but that
   * no key decrypts (shown as null): an expression of the query changed them
   * (`left(email, 30)`), or they are damaged.
   */
  readonly unreadable: number;
  /** The columns of those values. */
  readonly unreadableColumns: readonly string[];
}

/**
 * @example
 * const { rows, forgotten } = await decryptRows(await session.rows(sql), project, await ctx.keyRing());
 */
export async function decryptRows(
  rows: readonly Record<string, unknown>[],
  project: Project,
  ring: Pick<SubjectKeyRing, 'existingKeysOf'>,
): Promise<DecryptedRows> {
  const subjects = new Set<string>();
  for (const row of rows)
    for (const value of Object.values(row))
      if (typeof value === 'string') {
        const s = ciphertextSubject(value);
        if (s !== undefined) subjects.add(s);
      }
  const keys = subjects.size === 0 ? new Map<string, Buffer | null>() : await ring.existingKeysOf(subjects);
  const places: Array<{ column: string; aad: Buffer }> = [];
  for (const stream of project.streams.values()) {
    if (!protectsPersonalData(stream.pii)) continue;
    for (const column of encryptedFields(stream.pii)) places.push({ column, aad: fieldAad(stream.name, column) });
  }
  let decrypted = 0;
  let forgotten = 0;
  let unreadable = 0;
  const unreadableColumns = new Set<string>();
  const out = rows.map((row) => {
    const shown: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      const subject = typeof value === 'string' ? ciphertextSubject(value) : undefined;
      if (subject === undefined) {
        // The start of a ciphertext without its subject: the query cut it.
        const cut = typeof value === 'string' && value.startsWith(CIPHERTEXT_PREFIX);
        if (cut) {
          unreadable++;
          unreadableColumns.add(column);
        }
        shown[column] = cut ? null : value;
        continue;
      }
      const key = keys.get(subject) ?? null;
      const found = key === null ? undefined : tryPlaces(value as string, key, column, places);
      if (found === undefined) {
        if (key === null) forgotten++;
        else {
          unreadable++;
          unreadableColumns.add(column);
        }
        shown[column] = null;
      } else {
        decrypted++;
        shown[column] = clearValueOf(found.column, found.text);
      }
    }
    return shown;
  });
  return { rows: out, decrypted, forgotten, unreadable, unreadableColumns: [...unreadableColumns] };
}

function tryPlaces(
  value: string,
  key: Buffer,
  column: string,
  places: ReadonlyArray<{ column: string; aad: Buffer }>,
): { text: string; column: string } | undefined {
  const ordered = [...places.filter((p) => p.column === column), ...places.filter((p) => p.column !== column)];
  for (const place of ordered) {
    try {
      return { text: decryptText(value, key, place.aad), column: place.column };
    } catch {
      // Not this place: try the next.
    }
  }
  return undefined;
}
