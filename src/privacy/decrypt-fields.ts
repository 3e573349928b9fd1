/**
 * Decrypts a stream's encrypted columns for a build whose dataset declares
 * `decrypt`: the transform layer hands over ciphertexts a batch of rows at a
 * time (see transform/decrypted-input.ts) and gets clear values back. Each
 * ciphertext is bound to its stream and column (its additional data), so only
 * that place is tried. A forgotten subject's values, and any that cannot be
 * read, come back null. A value that is not a ciphertext (data landed before
 * the stream declared personal data) is already clear and is passed through.
 */
import { encryptedFields, type StreamModel } from '../config/index.ts';
import type { DecryptedColumns } from '../transform/index.ts';
import { ciphertextSubject, decryptText, fieldAad } from './field-cipher.ts';
import type { SubjectKeyRing } from './keys/index.ts';

/**
 * The encrypted columns of `stream` with their clear (schema) types, and the
 * function that decrypts them. Keys are looked up once per subject for the
 * life of what this returns (one build): a subject forgotten during the build
 * is caught by the rebuild that forgetting triggers.
 *
 * @example
 * const decrypted = decryptedFields(project.streams.get('signups'), await ctx.keyRing());
 * await decrypted.decrypt([['enc:v1:ps_…:…', null]]); // [['ann@example.com', null]]
 */
export function decryptedFields(stream: Pick<StreamModel, 'name' | 'pii' | 'clearColumns'>, ring: Pick<SubjectKeyRing, 'existingKeysOf'>): DecryptedColumns {
  const encrypted = new Set(encryptedFields(stream.pii));
  const columns = stream.clearColumns.filter((c) => encrypted.has(c.name));
  const aads = columns.map((c) => fieldAad(stream.name, c.name));
  const keys = new Map<string, Buffer | null>();
  return {
    columns,
    async decrypt(rows) {
      const unknown = new Set<string>();
      for (const row of rows) {
        for (const value of row) {
          const subject = value === null ? undefined : ciphertextSubject(value);
          if (subject !== undefined && !keys.has(subject)) unknown.add(subject);
        }
      }
      if (unknown.size > 0) for (const [subject, key] of await ring.existingKeysOf(unknown)) keys.set(subject, key);
      return rows.map((row) =>
        columns.map((column, i) => {
          const value = row[i] ?? null;
          if (value === null) return null;
          const subject = ciphertextSubject(value);
          if (subject === undefined) return value;
          const key = keys.get(subject) ?? null;
          if (key === null) return null;
          try {
            return clearValueOf(column.name, decryptText(value, key, aads[i] as Buffer));
          } catch {
            // Not this stream's and column's ciphertext, or damaged: nothing to show.
            return null;
          }
        }),
      );
    },
  };
}

/**
 * What a decrypted text stands for: `_raw` holds the event's text as
 * received; a personal field holds its value's JSON.
 *
 * @example
 * clearValueOf('age', '42') // 42
 * clearValueOf('_raw', '{"userId":"u1"}') // '{"userId":"u1"}'
 */
export function clearValueOf(column: string, text: string): unknown {
  return column === '_raw' ? text : JSON.parse(text);
}
