/**
 * Wrapping one 32-byte key under another: AES-256-GCM with a random nonce,
 * bound by additional data to where the wrapped key belongs (a subject's
 * pseudonym, an epoch's number), so a wrapped key copied elsewhere does not
 * unwrap. The body is iv (12) | ciphertext (32) | tag (16), in base64url.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomIv } from './random-iv.ts';

const KEY_BYTES = 32;

/**
 * @example
 * const body = sealKey(kek, dataKey, 'ps_Vb8x…'); // base64url, 80 characters
 * openKey(kek, body, 'ps_Vb8x…') // dataKey, or undefined under another key or AAD
 */
export function sealKey(wrappingKey: Buffer, key: Buffer, aad: string): string {
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', wrappingKey, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]).toString('base64url');
}

/** The key sealed in `body`, or undefined when it is malformed or was sealed under another key or AAD. */
export function openKey(wrappingKey: Buffer, body: string, aad: string): Buffer | undefined {
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length !== 12 + KEY_BYTES + 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrappingKey, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(12 + KEY_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(12, 12 + KEY_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
