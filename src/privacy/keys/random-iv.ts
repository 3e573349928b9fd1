/**
 * Random 96-bit nonces for AES-GCM, cut from a pool filled 16 KiB at a time:
 * one `randomBytes` call per 1,365 encryptions instead of one each, which
 * matters when landing encrypts several fields of every event. Random (not
 * counter) nonces, so that processes sharing a subject's key never collide
 * in practice (2^-32 after 2^32 encryptions under one key, far beyond a subject's events).
 */
import { randomFillSync } from 'node:crypto';

export const IV_BYTES = 12;
const POOL_BYTES = IV_BYTES * 1365;
const pool = Buffer.alloc(POOL_BYTES);
let at = POOL_BYTES;

/** A fresh nonce, written into the first 12 bytes of `into` when given; the caller may keep it (a copy, not a view of the pool). */
export function randomIv(into?: Buffer): Buffer {
  if (at + IV_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    at = 0;
  }
  const iv = into ?? Buffer.allocUnsafe(IV_BYTES);
  pool.copy(iv, 0, at, at + IV_BYTES);
  at += IV_BYTES;
  return iv;
}
