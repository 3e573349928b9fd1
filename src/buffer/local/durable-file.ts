/**
 * The two file-system moves the log's durability rests on: fsync of a file or
 * folder (a folder's fsync makes the names in it durable, so a file created or
 * deleted is only durably there, or gone, after its folder's sync), and
 * publishing a small file atomically (temp file, fsync, rename, fsync folder),
 * so that a reader finds either the old content or the new, never half of it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** The suffix of temporary files; leftovers of a crash carry it and may be deleted. */
export const TEMP_SUFFIX = '.tmp';

/** fsync of a file or a folder. */
export async function syncPath(target: string): Promise<void> {
  const handle = await fs.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` with `content` atomically and durably. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
  const handle = await fs.open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncPath(path.dirname(file));
}

/** Creates `dir` (and missing parents), making each new folder durable in its parent. */
export async function makeDirDurable(dir: string): Promise<void> {
  const first = await fs.mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; d.length >= first.length; d = path.dirname(d)) await syncPath(path.dirname(d));
}

/** Writes every byte of `buffers` at `position`, going on after short writes. */
export async function writeFully(handle: fs.FileHandle, buffers: readonly Buffer[], position: number): Promise<void> {
  // Most systems take at most 1024 buffers per writev (IOV_MAX).
  const IOV_MAX = 1024;
  let index = 0;
  let head: Buffer | undefined; // the unwritten part of buffers[index], after a short write
  while (index < buffers.length) {
    const chunk = buffers.slice(index, index + IOV_MAX);
    if (head !== undefined) chunk[0] = head;
    let expected = 0;
    for (const b of chunk) expected += b.length;
    const { bytesWritten } = await handle.writev(chunk, position);
    if (bytesWritten === 0 && expected > 0) throw new Error('the file system accepted no bytes of a write');
    position += bytesWritten;
    if (bytesWritten === expected) {
      index += chunk.length;
      head = undefined;
      continue;
    }
    // A short write: skip what went out and go on from the first byte that did not.
    let left = bytesWritten;
    let i = 0;
    while (left >= chunk[i]!.length) left -= chunk[i++]!.length;
    index += i;
    head = chunk[i]!.subarray(left);
  }
}
