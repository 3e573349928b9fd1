/**
 * Keeps two writers off one log folder. Two processes appending to the same
 * segment files would interleave records and hand out the same offsets, so the
 * folder holds a `LOCK` file created with O_EXCL and naming the owner's pid;
 * a lock whose process is gone (a crash, `kill -9`) is taken over. Within one
 * process a set of open folders does the same job, since the pid is shared.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';

const openInThisProcess = new Set<string>();

export class DirLock {
  private released = false;

  private constructor(
    readonly dir: string,
    private readonly file: string,
  ) {}

  /** Takes the lock on `dir` (an existing folder), or throws naming the process that holds it. */
  static async acquire(dir: string): Promise<DirLock> {
    const real = await fs.realpath(dir);
    if (openInThisProcess.has(real)) throw inUse(dir, process.pid);
    openInThisProcess.add(real);
    const file = path.join(real, 'LOCK');
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const handle = await fs.open(file, 'wx', 0o644);
          try {
            await handle.writeFile(`${process.pid}\n`);
            await handle.sync();
          } finally {
            await handle.close();
          }
          return new DirLock(real, file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
        }
        const owner = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
        // Our own pid is not in the set, so an earlier instance here left it behind (or the pid was reused).
        if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw inUse(dir, owner);
        // The owner is gone: take over. O_EXCL on the retry settles a race with another process doing the same.
        await fs.rm(file, { force: true });
      }
    } catch (error) {
      openInThisProcess.delete(real);
      if (error instanceof PondError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw inUse(dir, undefined);
      throw error;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      await fs.rm(this.file, { force: true });
    } finally {
      openInThisProcess.delete(this.dir);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function inUse(dir: string, pid: number | undefined): PondError {
  return new PondError('STORAGE_UNAVAILABLE', `the buffer at ${dir} is in use by process ${pid ?? '(another process taking it over)'}`, {
    where: dir,
    hint: 'only one Pond process may open a buffer folder; stop the other one, or give this one its own folder',
  });
}
