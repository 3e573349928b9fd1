/**
 * What the master key gives, through HKDF-SHA256 with distinct labels (so no
 * key is ever used for two purposes):
 *
 * - a wrapping key, under which each data subject's data key is stored
 *   (AES-256-GCM, the subject's pseudonym as additional data, so a wrapped
 *   key moved to another subject's row does not unwrap): `wk:v1:<base64url(iv|ciphertext|tag)>`;
 * - a pseudonym key: `pseudonym(subject) = "ps_" + base64url(HMAC-SHA256(key, subject)[0..16])`,
 *   128 bits, stable for a master key, so that datasets join and count by
 *   subject without decrypting, and irreversible without the key.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { PondError } from '../../errors/index.ts';
import { randomIv } from './random-iv.ts';

export const PSEUDONYM_PREFIX = 'ps_';
const WRAPPED_PREFIX = 'wk:v1:';
const SALT = Buffer.from('pond key hierarchy');

export class KeyHierarchy {
  private readonly wrapKey: Buffer;
  private readonly pseudonymKey: Buffer;

  constructor(master: Buffer) {
    this.wrapKey = Buffer.from(hkdfSync('sha256', master, SALT, 'pond/v1/wrap-subject-keys', 32));
    this.pseudonymKey = Buffer.from(hkdfSync('sha256', master, SALT, 'pond/v1/pseudonyms', 32));
  }

  /**
   * @example
   * hierarchy.pseudonym('user-42') // 'ps_Vb8x…' (22 characters after the prefix)
   */
  pseudonym(subject: string): string {
    return PSEUDONYM_PREFIX + createHmac('sha256', this.pseudonymKey).update(subject, 'utf8').digest().subarray(0, 16).toString('base64url');
  }

  wrap(dataKey: Buffer, pseudonym: string): string {
    const iv = randomIv();
    const cipher = createCipheriv('aes-256-gcm', this.wrapKey, iv);
    cipher.setAAD(Buffer.from(pseudonym, 'utf8'));
    const body = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    return WRAPPED_PREFIX + body.toString('base64url');
  }

  unwrap(wrapped: string, pseudonym: string): Buffer {
    const body = wrapped.startsWith(WRAPPED_PREFIX) ? Buffer.from(wrapped.slice(WRAPPED_PREFIX.length), 'base64url') : Buffer.alloc(0);
    try {
      if (body.length !== 12 + 32 + 16) throw new Error('malformed');
      const decipher = createDecipheriv('aes-256-gcm', this.wrapKey, body.subarray(0, 12));
      decipher.setAAD(Buffer.from(pseudonym, 'utf8'));
      decipher.setAuthTag(body.subarray(44));
      return Buffer.concat([decipher.update(body.subarray(12, 44)), decipher.final()]);
    } catch (error) {
      throw new PondError('BAD_ARGUMENT', `the key of data subject ${pseudonym} does not unwrap with this master key`, {
        cause: error,
        hint: 'the master key (POND_MASTER_KEY or the key file) is not the one these keys were created with: restore that key',
      });
    }
  }
}
