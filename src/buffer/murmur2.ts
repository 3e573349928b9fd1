/**
 * Kafka's default partitioner: murmur2 of the key's UTF-8 bytes, made
 * non-negative, modulo the partition count. It is reproduced bit for bit so
 * that a key lands in the same partition in the embedded log and in Kafka,
 * and records keep their per-key order when a deployment moves between them.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/**
 * Kafka's `Utils.murmur2` over the first `length` bytes of `data`: a signed
 * 32-bit hash, exactly what the Java client computes.
 *
 * @example
 * murmur2(Buffer.from('foobar')) // -790332482
 */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24) | 0;
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // Java falls through the cases 3 → 2 → 1; so do these ifs.
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which differs on the minimum value). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * The partition Kafka's default partitioner gives a keyed record.
 *
 * @example
 * partitionFor('user-42', 12) // the same partition a Kafka producer picks
 */
export function partitionFor(key: string, partitionCount: number): number {
  return toPositive(murmur2(Buffer.from(key, 'utf8'))) % partitionCount;
}
