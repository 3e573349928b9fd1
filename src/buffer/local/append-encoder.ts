/**
 * The hot path of `append`: turns one call's records into bytes ready for the
 * segment files. Two passes over the records and one allocation per call:
 * the first pass picks each record's partition and measures it, the second
 * writes every record into a single buffer where each partition's records sit
 * together, so each partition gets a slice of it and the value bytes are
 * copied exactly once. No syscalls and no promises per record.
 */
import { PondError } from '../../errors/index.ts';
import type { LogRecord, RecordPosition } from '../log.ts';
import { murmur2, toPositive } from '../murmur2.ts';
import { RECORD_OVERHEAD, encodeRecord } from './record-codec.ts';

/** Where keys are encoded for hashing, so a key costs no allocation. */
const scratch = Buffer.allocUnsafe(4096);

/** Pass one: each record's partition and the bytes each partition takes. */
export interface AppendPlan {
  readonly records: readonly LogRecord[];
  readonly partitions: Uint32Array;
  readonly keyLengths: Int32Array;
  readonly partitionBytes: Float64Array;
  readonly partitionRecords: Uint32Array;
  readonly totalBytes: number;
}

/** Pass two: the positions in record order, and per partition its slice (undefined when no record went there). */
export interface EncodedAppend {
  readonly positions: RecordPosition[];
  readonly batches: readonly (Buffer | undefined)[];
}

/**
 * Picks partitions as Kafka's default partitioner does for keyed records;
 * `roundRobin` gives the partition for each record without a key.
 */
export function planAppend(records: readonly LogRecord[], partitionCount: number, roundRobin: () => number): AppendPlan {
  const n = records.length;
  const partitions = new Uint32Array(n);
  const keyLengths = new Int32Array(n);
  const partitionBytes = new Float64Array(partitionCount);
  const partitionRecords = new Uint32Array(partitionCount);
  let totalBytes = 0;
  for (let i = 0; i < n; i++) {
    const { key, value, timestamp } = records[i]!;
    // Checked here, before any offset is handed out: a failure past that point would leave a gap in the partition.
    if (!(value instanceof Uint8Array) || typeof timestamp !== 'number' || (key !== null && typeof key !== 'string')) {
      throw new PondError('BAD_ARGUMENT', `record ${i} of an append needs a string or null key, a Buffer value and a numeric timestamp`);
    }
    let partition: number;
    let keyLength: number;
    if (key === null) {
      partition = roundRobin();
      keyLength = -1;
    } else if (key.length * 3 <= scratch.length) {
      keyLength = scratch.write(key, 0, 'utf8');
      partition = partitionCount === 1 ? 0 : toPositive(murmur2(scratch, keyLength)) % partitionCount;
    } else {
      const bytes = Buffer.from(key, 'utf8');
      keyLength = bytes.length;
      partition = toPositive(murmur2(bytes)) % partitionCount;
    }
    const size = RECORD_OVERHEAD + Math.max(keyLength, 0) + value.length;
    partitions[i] = partition;
    keyLengths[i] = keyLength;
    partitionBytes[partition] = partitionBytes[partition]! + size;
    partitionRecords[partition] = partitionRecords[partition]! + 1;
    totalBytes += size;
  }
  return { records, partitions, keyLengths, partitionBytes, partitionRecords, totalBytes };
}

/** Encodes a plan; `claim(partition, count)` hands out that many offsets in a row and returns the first. */
export function encodeAppend(plan: AppendPlan, claim: (partition: number, count: number) => number): EncodedAppend {
  const { records, partitions, keyLengths, partitionBytes, partitionRecords } = plan;
  const partitionCount = partitionBytes.length;
  const buffer = Buffer.allocUnsafe(plan.totalBytes);
  const starts = new Float64Array(partitionCount);
  const cursors = new Float64Array(partitionCount);
  const offsets = new Float64Array(partitionCount);
  let start = 0;
  for (let p = 0; p < partitionCount; p++) {
    starts[p] = start;
    cursors[p] = start;
    start += partitionBytes[p]!;
    if (partitionRecords[p]! > 0) offsets[p] = claim(p, partitionRecords[p]!);
  }
  const positions = new Array<RecordPosition>(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const partition = partitions[i]!;
    const offset = offsets[partition]!;
    offsets[partition] = offset + 1;
    cursors[partition] = encodeRecord(buffer, cursors[partition]!, offset, record.timestamp, record.key, keyLengths[i]!, record.value);
    positions[i] = { partition, offset };
  }
  const batches = new Array<Buffer | undefined>(partitionCount);
  for (let p = 0; p < partitionCount; p++) {
    batches[p] = partitionRecords[p]! > 0 ? buffer.subarray(starts[p]!, cursors[p]!) : undefined;
  }
  return { positions, batches };
}
