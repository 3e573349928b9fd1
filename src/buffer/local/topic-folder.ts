/**
 * A topic's folder: `topic.json` holding its partition count, and a folder per
 * partition. topic.json is written last, atomically, so a folder counts as a
 * topic only once every partition in it exists; a folder without one is a
 * creation a crash cut short, and is started over.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import { makeDirDurable, writeFileAtomic } from './durable-file.ts';
import { PartitionLog } from './partition-log.ts';

const TOPIC_FILE = 'topic.json';

export interface OpenedTopic {
  readonly partitions: PartitionLog[];
  /** Bytes of torn tails cut off, and the partitions they were in. */
  readonly truncatedBytes: number;
  readonly tornPartitions: number;
}

/** Opens every partition of the topic in `dir`; undefined when `dir` holds no topic.json. */
export async function openTopicFolder(dir: string): Promise<OpenedTopic | undefined> {
  const count = await readTopicFile(path.join(dir, TOPIC_FILE));
  if (count === undefined) return undefined;
  const partitions: PartitionLog[] = [];
  let truncatedBytes = 0;
  let tornPartitions = 0;
  try {
    for (let p = 0; p < count; p++) {
      const opened = await PartitionLog.open(path.join(dir, String(p)), p);
      partitions.push(opened.log);
      truncatedBytes += opened.truncatedBytes;
      if (opened.truncatedBytes > 0) tornPartitions++;
    }
  } catch (error) {
    await Promise.all(partitions.map((p) => p.close()));
    throw error;
  }
  return { partitions, truncatedBytes, tornPartitions };
}

/** Creates the topic folder `dir` from scratch (removing what a cut-short creation left); durable when this resolves. */
export async function createTopicFolder(dir: string, count: number): Promise<PartitionLog[]> {
  await fs.rm(dir, { recursive: true, force: true });
  await makeDirDurable(dir);
  const created = await Promise.allSettled(Array.from({ length: count }, (_, p) => PartitionLog.create(path.join(dir, String(p)), p)));
  const partitions = created.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
  try {
    const failed = created.find((c) => c.status === 'rejected');
    if (failed) throw failed.reason;
    await writeFileAtomic(path.join(dir, TOPIC_FILE), `${JSON.stringify({ partitions: count })}\n`);
  } catch (error) {
    await Promise.all(partitions.map((p) => p.close()));
    throw error;
  }
  return partitions;
}

/** The partition count in a topic.json, or undefined when there is none. */
async function readTopicFile(file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let partitions: unknown;
  try {
    partitions = (JSON.parse(text) as { partitions?: unknown }).partitions;
  } catch {
    partitions = undefined;
  }
  if (typeof partitions !== 'number' || !Number.isInteger(partitions) || partitions < 1) {
    throw new PondError('STORAGE_UNAVAILABLE', `${file} does not hold a partition count`, {
      retryable: false,
      where: file,
      hint: 'topic files are replaced atomically, so this is damage; restore it to read {"partitions": N} with the topic\'s partition count',
    });
  }
  return partitions;
}
