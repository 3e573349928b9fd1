/** Temporary folders for the buffer's tests, removed when the test file ends. */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'pond-buffer-'));
  dirs.push(dir);
  return dir;
}
