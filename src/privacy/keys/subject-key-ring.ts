/**
 * Data subjects' keys as landing and reading use them: the pseudonym of a
 * subject, and the data key of many subjects at once — from an in-process LRU
 * cache, else from the state store in one transaction that creates the
 * missing ones (32 random bytes, wrapped under the master key). A forgotten
 * subject has no key (`null`): nothing can be encrypted for it or decrypted.
 */
import { randomBytes } from 'node:crypto';
import type { StateStore } from '../../state/index.ts';
import type { KeyHierarchy } from './key-hierarchy.ts';
import { LruCache } from './lru-cache.ts';

export const DATA_KEY_BYTES = 32;

export interface KeyRingOptions {
  /** Unwrapped keys kept in memory (default 100,000: about 10 MB). */
  readonly capacity?: number;
  /** How long a cached key is used before the store is asked again (default 60 s; bounds the use of a key another process forgot). */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

export class SubjectKeyRing {
  private readonly keys: LruCache<string, Buffer | null>;
  private readonly pseudonyms: LruCache<string, string>;
  private readonly now: () => number;

  constructor(
    private readonly state: Pick<StateStore, 'subjectKeys' | 'findSubjectKeys'>,
    private readonly hierarchy: KeyHierarchy,
    options: KeyRingOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.keys = new LruCache(options.capacity ?? 100_000, options.maxAgeMs ?? 60_000, this.now);
    this.pseudonyms = new LruCache(options.capacity ?? 100_000);
  }

  /**
   * @example
   * ring.pseudonym('user-42') // 'ps_Vb8x…'
   */
  pseudonym(subject: string): string {
    let p = this.pseudonyms.get(subject);
    if (p === undefined) this.pseudonyms.set(subject, (p = this.hierarchy.pseudonym(subject)));
    return p;
  }

  /**
   * The data key of each pseudonym, creating those that do not exist (one
   * state transaction for all the cache misses); null for forgotten subjects.
   *
   * @example
   * const keys = await ring.keysOf(['ps_Vb8x…', 'ps_Qa1c…']);
   */
  async keysOf(pseudonyms: Iterable<string>): Promise<Map<string, Buffer | null>> {
    const out = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const p of pseudonyms) {
      if (out.has(p)) continue;
      const cached = this.keys.get(p);
      if (cached === undefined) missing.push(p);
      out.set(p, cached ?? null);
    }
    if (missing.length === 0) return out;
    const createdAt = this.now();
    // The keys made here: a subject's key that this call stored is used as made, not unwrapped again.
    const made = new Map<string, { wrappedKey: string; key: Buffer }>();
    const stored = await this.state.subjectKeys(missing.map((pseudonym) => {
      const key = randomBytes(DATA_KEY_BYTES);
      const wrappedKey = this.hierarchy.wrap(key, pseudonym);
      made.set(pseudonym, { wrappedKey, key });
      return { pseudonym, wrappedKey, createdAt };
    }));
    for (const p of missing) {
      const wrapped = stored.get(p)?.wrappedKey ?? null;
      const mine = made.get(p);
      const key = wrapped === null ? null : mine?.wrappedKey === wrapped ? mine.key : this.hierarchy.unwrap(wrapped, p);
      this.keys.set(p, key);
      out.set(p, key);
    }
    return out;
  }

  /**
   * As `keysOf`, for reading: creates nothing (an unknown pseudonym, like a
   * forgotten subject, has no key) and caches nothing, so that a key
   * forgotten a moment ago is never used to show data.
   */
  async existingKeysOf(pseudonyms: Iterable<string>): Promise<Map<string, Buffer | null>> {
    const wanted = [...new Set(pseudonyms)];
    const stored = await this.state.findSubjectKeys(wanted);
    return new Map(wanted.map((p) => {
      const wrapped = stored.get(p)?.wrappedKey ?? null;
      return [p, wrapped === null ? null : this.hierarchy.unwrap(wrapped, p)];
    }));
  }

  /** Drops a subject's key from this process's cache (after forgetting it here). */
  evict(pseudonym: string): void {
    this.keys.delete(pseudonym);
  }
}
