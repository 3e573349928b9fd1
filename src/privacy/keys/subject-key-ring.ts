/**
 * Data subjects' keys as landing and reading use them: the pseudonym of a
 * subject, and the data key of many subjects at once — from an in-process LRU
 * cache, else from the state store in one transaction that creates the
 * missing ones (32 random bytes, wrapped under the current key epoch's key,
 * see key-epochs.ts). A forgotten subject has no key (`null`): nothing can be
 * encrypted for it or decrypted.
 *
 * Another process may forget a subject whose key this ring holds in memory.
 * The ring reads the state's key stamp (the key epoch and a value that
 * changes whenever a subject is forgotten; one primary-key read) at most once
 * a `checkEveryMs` (default 1 s) when it is asked for keys, and drops every
 * cached key when a subject was forgotten: a forgotten key is used here for
 * at most that long after the forget was recorded, and never after its
 * request completed (the epoch rotation, which also moves the stamp).
 */
import { randomBytes } from 'node:crypto';
import { PondError } from '../../errors/index.ts';
import type { SubjectKey, SubjectKeyStore } from '../../state/index.ts';
import type { EpochKey, KeyEpochs } from './key-epochs.ts';
import type { KeyHierarchy } from './key-hierarchy.ts';
import { LruCache } from './lru-cache.ts';

export const DATA_KEY_BYTES = 32;

export type KeyRingState = Pick<SubjectKeyStore, 'subjectKeys' | 'findSubjectKeys' | 'keyRingStamp' | 'rotateKeyEpoch'>;

export interface KeyRingOptions {
  /** Unwrapped keys kept in memory (default 100,000: about 10 MB). */
  readonly capacity?: number;
  /** How long a cached key is used before the store is asked again (default 60 s). */
  readonly maxAgeMs?: number;
  /** How often, at most, the ring reads the key stamp to learn of subjects forgotten elsewhere (default 1 s). */
  readonly checkEveryMs?: number;
  readonly now?: () => number;
}

/** What one rotation did: the epochs it moved between, the keys it re-wrapped, the epoch keys it destroyed. */
export interface EpochRotation {
  readonly from: number;
  readonly to: number;
  readonly rewrapped: number;
  readonly destroyed: readonly number[];
}

export class SubjectKeyRing {
  private readonly keys: LruCache<string, Buffer | null>;
  private readonly pseudonyms: LruCache<string, string>;
  private readonly now: () => number;
  private readonly checkEveryMs: number;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private forgottenStamp: string | undefined;
  private epoch = 0;

  constructor(
    private readonly state: KeyRingState,
    private readonly hierarchy: KeyHierarchy,
    private readonly epochs: KeyEpochs,
    options: KeyRingOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.checkEveryMs = options.checkEveryMs ?? 1000;
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
    await this.check();
    const out = new Map<string, Buffer | null>();
    let missing: string[] = [];
    for (const p of pseudonyms) {
      if (out.has(p)) continue;
      const cached = this.keys.get(p);
      if (cached === undefined) missing.push(p);
      out.set(p, cached ?? null);
    }
    // At most a few tries: each one that loses does so to a rotation, which is rare.
    for (let attempt = 0; missing.length > 0; attempt++) {
      if (this.epoch === 0) await this.rotateEpoch(); // the first epoch, made by the first key
      const epochKey = await this.epochKey(this.epoch);
      const createdAt = this.now();
      // The keys made here: a subject's key that this call stored is used as made, not unwrapped again.
      const made = new Map<string, { wrappedKey: string; key: Buffer }>();
      const stored = await this.state.subjectKeys(
        missing.map((pseudonym) => {
          const key = randomBytes(DATA_KEY_BYTES);
          const wrappedKey = epochKey.wrap(key, pseudonym);
          made.set(pseudonym, { wrappedKey, key });
          return { pseudonym, wrappedKey, createdAt };
        }),
        this.epoch,
      );
      const left: string[] = [];
      for (const p of missing) {
        const row = stored.keys.get(p);
        if (row === undefined) {
          left.push(p); // not stored: the epoch moved on
          continue;
        }
        const mine = made.get(p);
        const key = row.wrappedKey === null ? null : mine?.wrappedKey === row.wrappedKey ? mine.key : await this.unwrap(row);
        this.keys.set(p, key);
        out.set(p, key);
      }
      this.epoch = stored.epoch;
      missing = left;
      if (missing.length > 0 && attempt >= 4)
        throw new PondError(
          'STORAGE_UNAVAILABLE',
          `could not store the keys of ${missing.length} data subjects: the key epoch kept moving (now ${stored.epoch})`,
          { retryable: true, hint: 'several forget requests are completing at once; retry' },
        );
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
    const out = new Map<string, Buffer | null>();
    for (const p of wanted) {
      const row = stored.get(p);
      out.set(p, row === undefined || row.wrappedKey === null ? null : await this.unwrap(row));
    }
    return out;
  }

  /** Drops a subject's key from this process's cache (after forgetting it here). */
  evict(pseudonym: string): void {
    this.keys.delete(pseudonym);
  }

  /**
   * Starts a new key epoch: makes its key, re-wraps every live subject key
   * under it in one state transaction, then destroys the keys of every
   * earlier epoch. The last step of completing a forget request; also how
   * the first epoch begins. When another process rotated meanwhile, its
   * rotation stands, and the old epochs' keys are destroyed all the same.
   *
   * @example
   * const { from, to, destroyed } = await ring.rotateEpoch();
   */
  async rotateEpoch(): Promise<EpochRotation> {
    const from = (await this.state.keyRingStamp()).epoch;
    const to = from + 1;
    const next = await this.epochs.ensure(to);
    // Every epoch key a live row may be wrapped under, loaded before the transaction (re-wrapping is synchronous).
    const old = new Map<number, EpochKey>();
    for (const e of await this.epochs.store.list()) {
      const k = e < to ? await this.epochs.key(e) : undefined;
      if (k) old.set(e, k);
    }
    let rewrapped = 0;
    const moved = await this.state.rotateKeyEpoch(from, to, (row) => {
      rewrapped++;
      return next.wrap(this.unwrapWith(row, row.epoch === null ? undefined : old.get(row.epoch)), row.pseudonym);
    });
    const current = moved ? to : (await this.state.keyRingStamp()).epoch;
    this.epoch = current;
    const destroyed = await this.epochs.destroyBefore(current);
    this.checkedAt = Number.NEGATIVE_INFINITY;
    return { from, to: current, rewrapped: moved ? rewrapped : 0, destroyed };
  }

  /** Reads the key stamp when it is older than `checkEveryMs`; drops the cached keys when a subject was forgotten since. */
  private async check(): Promise<void> {
    const now = this.now();
    if (now - this.checkedAt < this.checkEveryMs) return;
    const stamp = await this.state.keyRingStamp();
    this.checkedAt = now;
    if (this.forgottenStamp !== undefined && stamp.forgotten !== this.forgottenStamp) this.keys.clear();
    this.forgottenStamp = stamp.forgotten;
    this.epoch = stamp.epoch;
  }

  private async epochKey(epoch: number): Promise<EpochKey> {
    const key = await this.epochs.key(epoch);
    if (key) return key;
    throw new PondError('STORAGE_UNAVAILABLE', `the key of the current key epoch ${epoch} is missing from ${this.epochs.store.description}`, {
      where: this.epochs.store.description,
      hint: 'the epoch keys folder (privacy.keyDir, or POND_KEY_DIR) must be the one every Pond process of this project shares, kept with the master key; restore it from where it was',
    });
  }

  /** A stored key unwrapped; a row whose epoch ended meanwhile is read again (a rotation re-wrapped it). */
  private async unwrap(row: SubjectKey): Promise<Buffer | null> {
    if (row.wrappedKey === null) return null;
    if (row.epoch === null) return this.hierarchy.unwrap(row.wrappedKey, row.pseudonym);
    const key = await this.epochs.key(row.epoch);
    if (key) return this.unwrapWith(row, key);
    const again = (await this.state.findSubjectKeys([row.pseudonym])).get(row.pseudonym);
    if (!again || again.wrappedKey === null) return null;
    if (again.epoch === row.epoch) await this.epochKey(row.epoch as number); // throws: says which key is missing
    return this.unwrap(again);
  }

  private unwrapWith(row: SubjectKey, key: EpochKey | undefined): Buffer {
    const wrapped = row.wrappedKey as string;
    if (row.epoch === null) return this.hierarchy.unwrap(wrapped, row.pseudonym);
    const out = key?.unwrap(wrapped, row.pseudonym);
    if (out) return out;
    throw new PondError(
      'BAD_ARGUMENT',
      `the key of data subject ${row.pseudonym} does not unwrap with the key of epoch ${row.epoch}${key ? '' : ' (missing)'}`,
      {
        where: this.epochs.store.description,
        hint: 'the master key and the epoch keys folder must be the ones these keys were made with: restore them as they were',
      },
    );
  }
}
