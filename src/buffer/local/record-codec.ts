/**
 * How one record sits in a segment file. Every record carries its own length,
 * a CRC and its offset, so a reader can walk a file from any record boundary,
 * and recovery can tell a torn or damaged record from a good one.
 *
 *   [u32 BE length]   bytes after this field: the CRC and the body
 *   [u32 BE crc32]    zlib crc32 of the body
 *   body:
 *   [u64 BE offset]   as two u32 (high, low); offsets stay below 2^53
 *   [f64 BE timestamp]
 *   [i32 BE key byte length]  -1 = null key
 *   [key, UTF-8] [value bytes]
 */
import { crc32 } from 'node:zlib';
import type { StoredRecord } from '../log.ts';

/** Length field, CRC, offset, timestamp and key length: the bytes a record takes besides its key and value. */
export const RECORD_OVERHEAD = 28;
/** The smallest valid length field: CRC and body with an empty key and value. */
export const MIN_RECORD_LENGTH = RECORD_OVERHEAD - 4;

const TWO_32 = 2 ** 32;

/**
 * Writes one record at `position` of `target` (which must have room for
 * `RECORD_OVERHEAD + keyLength + value.length` bytes) and returns the position after it.
 * `keyLength` is the key's UTF-8 byte length, or -1 for a null key.
 */
export function encodeRecord(
  target: Buffer,
  position: number,
  offset: number,
  timestamp: number,
  key: string | null,
  keyLength: number,
  value: Uint8Array,
): number {
  const keyBytes = keyLength < 0 ? 0 : keyLength;
  const end = position + RECORD_OVERHEAD + keyBytes + value.length;
  target.writeUInt32BE(end - position - 4, position);
  target.writeUInt32BE(Math.floor(offset / TWO_32), position + 8);
  target.writeUInt32BE(offset >>> 0, position + 12);
  target.writeDoubleBE(timestamp, position + 16);
  target.writeInt32BE(keyLength, position + 24);
  if (key !== null && keyBytes > 0) target.write(key, position + RECORD_OVERHEAD, keyBytes, 'utf8');
  target.set(value, position + RECORD_OVERHEAD + keyBytes);
  target.writeUInt32BE(crc32(target.subarray(position + 8, end)), position + 4);
  return end;
}

/** What is at a position of a buffer read from a segment. */
export type RecordCheck =
  /** A whole record ends at `end`. */
  | { readonly kind: 'record'; readonly end: number; readonly offset: number }
  /** The buffer ends inside the record; it needs `end` bytes to hold it (unknown when even the length is cut). */
  | { readonly kind: 'incomplete'; readonly end: number | undefined }
  /** The bytes cannot be a record: a length below the minimum or a CRC that does not match. */
  | { readonly kind: 'corrupt'; readonly reason: string };

/** Checks the record starting at `position` of `buffer`: its length and its CRC. */
export function checkRecord(buffer: Buffer, position: number): RecordCheck {
  if (position + 4 > buffer.length) return { kind: 'incomplete', end: undefined };
  const length = buffer.readUInt32BE(position);
  if (length < MIN_RECORD_LENGTH) return { kind: 'corrupt', reason: `length ${length} is below the minimum ${MIN_RECORD_LENGTH}` };
  const end = position + 4 + length;
  if (end > buffer.length) return { kind: 'incomplete', end };
  const keyLength = buffer.readInt32BE(position + 24);
  if (keyLength < -1 || RECORD_OVERHEAD + Math.max(keyLength, 0) > 4 + length) {
    return { kind: 'corrupt', reason: `key length ${keyLength} does not fit the record length ${length}` };
  }
  const expected = buffer.readUInt32BE(position + 4);
  if (crc32(buffer.subarray(position + 8, end)) !== expected) return { kind: 'corrupt', reason: 'CRC mismatch' };
  return { kind: 'record', end, offset: readOffset(buffer, position) };
}

/** The offset of the record at `position` (no checks). */
export function readOffset(buffer: Buffer, position: number): number {
  return buffer.readUInt32BE(position + 8) * TWO_32 + buffer.readUInt32BE(position + 12);
}

/** The total size of the record at `position` (no checks). */
export function recordSize(buffer: Buffer, position: number): number {
  return 4 + buffer.readUInt32BE(position);
}

/**
 * Decodes a record that `checkRecord` accepted. The value is a view into
 * `buffer`, not a copy: the buffer must not be reused while the record lives.
 */
export function decodeRecord(buffer: Buffer, position: number, end: number, partition: number): StoredRecord {
  const keyLength = buffer.readInt32BE(position + 24);
  const keyStart = position + RECORD_OVERHEAD;
  const valueStart = keyStart + Math.max(keyLength, 0);
  return {
    partition,
    offset: readOffset(buffer, position),
    timestamp: buffer.readDoubleBE(position + 16),
    key: keyLength < 0 ? null : buffer.toString('utf8', keyStart, valueStart),
    value: buffer.subarray(valueStart, end),
  };
}
