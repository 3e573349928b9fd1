/**
 * Encrypts one field of one event under its data subject's key, as a string
 * that says what it is and how to read it:
 *
 *     enc:v1:<pseudonym>:<base64url(iv 12 bytes | ciphertext | tag 16 bytes)>
 *
 * AES-256-GCM with a random nonce (the same value encrypts differently each
 * time: nothing can be learnt by comparing ciphertexts); the plaintext is the
 * value's JSON, so numbers, objects and strings come back as they were. The
 * additional data binds it to its stream and column: a ciphertext copied into
 * another column does not decrypt. The pseudonym names the key, so a value
 * can be decrypted on its own, wherever it ends up (a dead letter, a derived
 * dataset).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { PondError } from '../errors/index.ts';
import { IV_BYTES, randomIv } from './keys/index.ts';

export const CIPHERTEXT_PREFIX = 'enc:v1:';
const TAG_BYTES = 16;

/** Where a field lives: its additional data. */
export function fieldAad(stream: string, column: string): Buffer {
  return Buffer.from(JSON.stringify([stream, column]), 'utf8');
}

/**
 * @example
 * const aad = fieldAad('signups', 'email');
 * const text = encryptField('ada@example.com', key, 'ps_Vb8x…', aad); // 'enc:v1:ps_Vb8x…:3q2-…'
 * decryptField(text, key, aad) // 'ada@example.com'
 */
export function encryptField(value: unknown, key: Buffer, pseudonym: string, aad: Buffer): string {
  return encryptText(JSON.stringify(value), key, pseudonym, aad);
}

/** As `encryptField`, for a text that is already JSON (an event as received): no parse, no copy. */
export function encryptText(json: string, key: Buffer, pseudonym: string, aad: Buffer): string {
  // One buffer for iv | ciphertext | tag, written in place: landing encrypts several fields of every event, and garbage is its cost.
  const body = Buffer.allocUnsafe(IV_BYTES + Buffer.byteLength(json, 'utf8') + TAG_BYTES);
  randomIv(body);
  const cipher = createCipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
  cipher.setAAD(aad);
  const end = IV_BYTES + cipher.update(json, 'utf8').copy(body, IV_BYTES);
  cipher.final();
  cipher.getAuthTag().copy(body, end);
  return `${CIPHERTEXT_PREFIX}${pseudonym}:${body.toString('base64url')}`;
}

/** The pseudonym whose key a ciphertext needs, or undefined when the text is not one. */
export function ciphertextSubject(text: string): string | undefined {
  if (!text.startsWith(CIPHERTEXT_PREFIX)) return undefined;
  const end = text.indexOf(':', CIPHERTEXT_PREFIX.length);
  return end < 0 ? undefined : text.slice(CIPHERTEXT_PREFIX.length, end);
}

/** The value a ciphertext holds; fails (BAD_INPUT) when it was altered, or the key or the stream and column are not its own. */
export function decryptField(text: string, key: Buffer, aad: Buffer): unknown {
  return JSON.parse(decryptText(text, key, aad));
}

export function decryptText(text: string, key: Buffer, aad: Buffer): string {
  const subject = ciphertextSubject(text);
  const body = subject === undefined ? Buffer.alloc(0) : Buffer.from(text.slice(CIPHERTEXT_PREFIX.length + subject.length + 1), 'base64url');
  if (body.length < IV_BYTES + TAG_BYTES)
    throw new PondError('BAD_INPUT', `not a Pond ciphertext: ${text.slice(0, 40)}`, {
      hint: `ciphertexts look like ${CIPHERTEXT_PREFIX}<pseudonym>:<base64url>`,
    });
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new PondError('BAD_INPUT', `a ciphertext of data subject ${subject} does not decrypt: it was altered, or belongs to another key, stream or column`, {
      cause: error,
    });
  }
}
