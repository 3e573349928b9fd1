/**
 * The pseudonyms of every forgotten subject, as readers need them on every
 * build: kept per state store and read again only when the store's
 * `forgottenStamp` changes — one primary-key read per build instead of the
 * whole list. While the list is unchanged, readers get the same array.
 */
import type { SubjectKeyStore } from '../../state/index.ts';

type Source = Pick<SubjectKeyStore, 'forgottenSubjects' | 'forgottenStamp'>;

const cache = new WeakMap<Source, { stamp: string; pseudonyms: readonly string[] }>();

/**
 * @example
 * const pseudonyms = await forgottenSubjects(state); // [] until someone is forgotten
 */
export async function forgottenSubjects(state: Source): Promise<readonly string[]> {
  const stamp = await state.forgottenStamp();
  const cached = cache.get(state);
  if (cached?.stamp === stamp) return cached.pseudonyms;
  if (stamp === '') {
    cache.set(state, { stamp, pseudonyms: [] });
    return [];
  }
  const pseudonyms = await state.forgottenSubjects();
  cache.set(state, { stamp, pseudonyms });
  return pseudonyms;
}
