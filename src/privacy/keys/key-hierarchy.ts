/**
 * What the master key gives, through HKDF-SHA256 with distinct labels (so no
 * key is ever used for two purposes):
 *
 * - an epoch wrapping key, under which each key epoch's key-encryption key
 *   is stored, apart from the state database (see key-epochs.ts):
 *   `ek:v1:<epoch>:<base64url(iv|ciphertext|tag)>`, the epoch as additional data;
 * - a pseudonym key: `pseudonym(subject) = "ps_" + base64url(HMAC-SHA256(key, subject)[0..16])`,
 *   128 bits, stable for a master key, so that datasets join and count by
 *   subject without decrypting, and irreversible without the key;
 * - the wrapping key of subject keys stored before epochs existed
 *   (`wk:v1:…`, the pseudonym as additional data): read once, when the first
 *   epoch re-wraps them.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { PondError } from '../../errors/index.ts';
import { openKey, sealKey } from './key-wrap.ts';

export const PSEUDONYM_PREFIX = 'ps_';
const WRAPPED_PREFIX = 'wk:v1:';
const EPOCH_PREFIX = 'ek:v1:';
const SALT = Buffer.from('pond key hierarchy');

export class KeyHierarchy {
  private readonly wrapKey: Buffer;
  private readonly epochKey: Buffer;
  private readonly pseudonymKey: Buffer;

  constructor(master: Buffer) {
    this.wrapKey = derive(master, 'pond/v1/wrap-subject-keys');
    this.epochKey = derive(master, 'pond/v1/wrap-epoch-keys');
    this.pseudonymKey = derive(master, 'pond/v1/pseudonyms');
  }

  /**
   * @example
   * hierarchy.pseudonym('user-42') // 'ps_Vb8x…' (22 characters after the prefix)
   */
  pseudonym(subject: string): string {
    return PSEUDONYM_PREFIX + createHmac('sha256', this.pseudonymKey).update(subject, 'utf8').digest().subarray(0, 16).toString('base64url');
  }

  /** A subject key wrapped under the master key itself, as stored before key epochs (tests of the upgrade make them). */
  wrap(dataKey: Buffer, pseudonym: string): string {
    return WRAPPED_PREFIX + sealKey(this.wrapKey, dataKey, pseudonym);
  }

  /** Unwraps a subject key stored before key epochs (`wk:v1:`). */
  unwrap(wrapped: string, pseudonym: string): Buffer {
    const key = wrapped.startsWith(WRAPPED_PREFIX) ? openKey(this.wrapKey, wrapped.slice(WRAPPED_PREFIX.length), pseudonym) : undefined;
    if (key) return key;
    throw new PondError('BAD_ARGUMENT', `the key of data subject ${pseudonym} does not unwrap with this master key`, {
      hint: 'the master key (POND_MASTER_KEY or the key file) is not the one these keys were created with: restore that key',
    });
  }

  /**
   * @example
   * const text = hierarchy.wrapEpochKey(kek, 3); // 'ek:v1:3:…'
   * hierarchy.unwrapEpochKey(text, 3) // kek
   */
  wrapEpochKey(kek: Buffer, epoch: number): string {
    return `${EPOCH_PREFIX}${epoch}:${sealKey(this.epochKey, kek, epochAad(epoch))}`;
  }

  unwrapEpochKey(text: string, epoch: number, where: string): Buffer {
    const prefix = `${EPOCH_PREFIX}${epoch}:`;
    const trimmed = text.trim();
    const key = trimmed.startsWith(prefix) ? openKey(this.epochKey, trimmed.slice(prefix.length), epochAad(epoch)) : undefined;
    if (key) return key;
    throw new PondError('BAD_ARGUMENT', `the key of key epoch ${epoch} in ${where} does not unwrap with this master key`, {
      where,
      hint: 'the master key (POND_MASTER_KEY or the key file) is not the one this epoch key was made with, or the file was damaged: restore both as they were',
    });
  }
}

function derive(master: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, SALT, label, 32));
}

function epochAad(epoch: number): string {
  return `pond epoch ${epoch}`;
}
