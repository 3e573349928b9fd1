/**
 * The attacker's cryptography, written from the key formats and not from
 * Pond's code (no import from src/): whoever holds a project folder and its
 * master key computes pseudonyms, unwraps subject keys (`wk:v1:` under the
 * master key, `wk:v2:<epoch>:` under an epoch's key) and epoch keys
 * (`ek:v1:<epoch>:`), and decrypts field ciphertexts (`enc:v1:`). If Pond's
 * formats change, this file changes with them, on purpose: the forensic test
 * must keep attacking what is on disk.
 */
import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

const SALT = Buffer.from('pond key hierarchy');
const BODY_BYTES = 12 + 32 + 16;

/** `HKDF-SHA256(master, salt "pond key hierarchy", info, 32 bytes)`. */
export function derivedKey(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, SALT, info, 32));
}

/** `"ps_" + base64url(HMAC-SHA256(HKDF(master, "pond/v1/pseudonyms"), subject)[0..16])`. */
export function pseudonymOf(master: Buffer, subject: string): string {
  return `ps_${createHmac('sha256', derivedKey(master, 'pond/v1/pseudonyms')).update(subject, 'utf8').digest().subarray(0, 16).toString('base64url')}`;
}

/** The 32-byte key sealed in `body` (base64url of iv 12 | ciphertext 32 | tag 16) under `key` with `aad`, or undefined. */
export function openSealedKey(key: Buffer, body: string, aad: string): Buffer | undefined {
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length !== BODY_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(44));
    return Buffer.concat([decipher.update(bytes.subarray(12, 44)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** A wrapped key as it appears in a file: `wk:v1:<body>` (epoch undefined) or `wk:v2:<epoch>:<body>`. */
export interface WrappedKeyText {
  readonly text: string;
  readonly epoch: number | undefined;
  readonly body: string;
}

/** An epoch's key as it appears in a file: `ek:v1:<epoch>:<body>`. */
export interface EpochKeyText {
  readonly text: string;
  readonly epoch: number;
  readonly body: string;
}

// Exactly 80 characters of body (60 bytes): in a database page the next column's bytes follow the text directly.
const WRAPPED = /wk:v1:([A-Za-z0-9_-]{80})|wk:v2:(\d{1,9}):([A-Za-z0-9_-]{80})/g;
const EPOCH = /ek:v1:(\d{1,9}):([A-Za-z0-9_-]{80})/g;

/** Every wrapped subject key and epoch key written in `text` (a file's bytes as latin1, or a cell). */
export function keyTextsIn(text: string): { wrapped: WrappedKeyText[]; epochs: EpochKeyText[] } {
  const wrapped: WrappedKeyText[] = [];
  for (const m of text.matchAll(WRAPPED)) {
    if (m[1] !== undefined) wrapped.push({ text: m[0], epoch: undefined, body: m[1] });
    else wrapped.push({ text: m[0], epoch: Number(m[2]), body: m[3] as string });
  }
  const epochs: EpochKeyText[] = [];
  for (const m of text.matchAll(EPOCH)) epochs.push({ text: m[0], epoch: Number(m[1]), body: m[2] as string });
  return { wrapped, epochs };
}

/** The key of an epoch, from its `ek:v1:` text: AES-256-GCM under HKDF(master, "pond/v1/wrap-epoch-keys"), AAD `pond epoch <n>`. */
export function openEpochKey(master: Buffer, epochKey: EpochKeyText): Buffer | undefined {
  return openSealedKey(derivedKey(master, 'pond/v1/wrap-epoch-keys'), epochKey.body, `pond epoch ${epochKey.epoch}`);
}

/**
 * The subject's data key from a wrapped key, with the subject's pseudonym as
 * AAD: `wk:v1:` under HKDF(master, "pond/v1/wrap-subject-keys"); `wk:v2:<n>:`
 * under any key of epoch n the attacker holds. Says which epoch key opened it.
 */
export function openSubjectKey(
  master: Buffer,
  wrapped: WrappedKeyText,
  pseudonym: string,
  epochKeys: ReadonlyMap<number, readonly Buffer[]>,
): { key: Buffer; via: string } | undefined {
  if (wrapped.epoch === undefined) {
    const key = openSealedKey(derivedKey(master, 'pond/v1/wrap-subject-keys'), wrapped.body, pseudonym);
    return key && { key, via: 'the master key' };
  }
  for (const kek of epochKeys.get(wrapped.epoch) ?? []) {
    const key = openSealedKey(kek, wrapped.body, pseudonym);
    if (key) return { key, via: `the key of epoch ${wrapped.epoch}` };
  }
  return undefined;
}

/** The pseudonym a field ciphertext `enc:v1:<pseudonym>:<body>` names, or undefined. */
export function ciphertextPseudonym(text: string): string | undefined {
  const m = /^enc:v1:(ps_[A-Za-z0-9_-]+):/.exec(text);
  return m?.[1];
}

/** The plaintext (utf8 JSON) of a field ciphertext, AES-256-GCM with AAD `JSON.stringify([stream, column])`, or undefined. */
export function decryptCiphertext(text: string, key: Buffer, stream: string, column: string): string | undefined {
  const pseudonym = ciphertextPseudonym(text);
  if (pseudonym === undefined) return undefined;
  const bytes = Buffer.from(text.slice(`enc:v1:${pseudonym}:`.length), 'base64url');
  if (bytes.length < 12 + 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(JSON.stringify([stream, column]), 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
