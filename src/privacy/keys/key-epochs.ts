/**
 * Key epochs: every data subject's key is stored wrapped under the
 * key-encryption key (KEK) of the current epoch, `wk:v2:<epoch>:<base64url>`,
 * and each epoch's KEK is stored, wrapped under the master key, in the epoch
 * key store — not in the state database. Completing a forget request rotates
 * the epoch (rotate-key-epoch.ts): every live key is re-wrapped under a new
 * KEK and the old KEK is destroyed. What a copy of the state database taken
 * before then holds of the forgotten subject's key (a backup, the WAL, free
 * pages, PostgreSQL's dead tuples) is then wrapped under a key that exists
 * nowhere: the master key alone does not open it.
 */
import { randomBytes } from 'node:crypto';
import type { EpochKeyStore } from './epoch-key-store.ts';
import type { KeyHierarchy } from './key-hierarchy.ts';
import { openKey, sealKey } from './key-wrap.ts';

const WRAPPED = /^wk:v2:(\d+):([A-Za-z0-9_-]+)$/;

/** One epoch's key-encryption key. */
export class EpochKey {
  constructor(
    readonly epoch: number,
    private readonly kek: Buffer,
  ) {}

  /**
   * @example
   * epochKey.wrap(dataKey, 'ps_Vb8x…') // 'wk:v2:3:…'
   */
  wrap(dataKey: Buffer, pseudonym: string): string {
    return `wk:v2:${this.epoch}:${sealKey(this.kek, dataKey, pseudonym)}`;
  }

  /** The data key, or undefined when `wrapped` is not this epoch's wrapping of that subject's key. */
  unwrap(wrapped: string, pseudonym: string): Buffer | undefined {
    const m = WRAPPED.exec(wrapped);
    if (!m || Number(m[1]) !== this.epoch) return undefined;
    return openKey(this.kek, m[2] as string, pseudonym);
  }
}

/** The epoch a stored subject key is wrapped under (null: under the master key, from before epochs). */
export function epochOfWrapped(wrapped: string): number | null {
  const m = WRAPPED.exec(wrapped);
  return m ? Number(m[1]) : null;
}

/** The epochs' keys of one store, unwrapped on first use and kept in memory. */
export class KeyEpochs {
  private readonly cache = new Map<number, Promise<EpochKey | undefined>>();

  constructor(
    private readonly hierarchy: KeyHierarchy,
    readonly store: EpochKeyStore,
  ) {}

  /** The epoch's key, or undefined when the store has none (the epoch ended, or never began). */
  key(epoch: number): Promise<EpochKey | undefined> {
    let found = this.cache.get(epoch);
    if (!found) {
      found = this.store
        .read(epoch)
        .then((text) =>
          text === undefined ? undefined : new EpochKey(epoch, this.hierarchy.unwrapEpochKey(text, epoch, `${this.store.description} (epoch ${epoch})`)),
        );
      // Only a key that exists is remembered: a missing one may be made by another process a moment later.
      found.then(
        (k) => k ?? this.cache.delete(epoch),
        () => this.cache.delete(epoch),
      );
      this.cache.set(epoch, found);
    }
    return found;
  }

  /** The epoch's key, made now when the store has none (create-only: concurrent makers agree on one). */
  async ensure(epoch: number): Promise<EpochKey> {
    const existing = await this.key(epoch);
    if (existing) return existing;
    const stored = await this.store.create(epoch, this.hierarchy.wrapEpochKey(randomBytes(32), epoch));
    const key = new EpochKey(epoch, this.hierarchy.unwrapEpochKey(stored, epoch, `${this.store.description} (epoch ${epoch})`));
    this.cache.set(epoch, Promise.resolve(key));
    return key;
  }

  /** Destroys the keys of every epoch before `epoch`; returns those destroyed. */
  async destroyBefore(epoch: number): Promise<number[]> {
    const old = (await this.store.list()).filter((e) => e < epoch);
    for (const e of old) {
      this.cache.delete(e);
      await this.store.destroy(e);
    }
    return old;
  }
}
