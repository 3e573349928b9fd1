/**
 * Where the keys of key epochs live: apart from the state database, so that
 * a copy of the database (a backup, a WAL archive, its free pages) holds
 * subject keys wrapped under epoch keys that no longer exist once their
 * epoch is over. Each epoch's key is one small text, wrapped under the master
 * key (key-hierarchy.ts), created once and destroyed when the epoch ends.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';

export interface EpochKeyStore {
  /** Names the store in messages. */
  readonly description: string;
  /** The epoch's wrapped key, or undefined when there is none (never made, or destroyed). */
  read(epoch: number): Promise<string | undefined>;
  /** Stores the epoch's wrapped key unless it exists; returns the text stored (another process's, when it won). */
  create(epoch: number, text: string): Promise<string>;
  /** The epochs whose keys the store holds, in order. */
  list(): Promise<number[]>;
  /** Destroys the epoch's key (a no-op when it is gone already). */
  destroy(epoch: number): Promise<void>;
}

const FILE = /^epoch-(\d+)\.key$/;

/**
 * One file per epoch in a folder (default `.pond/keys`, mode 0700; files
 * 0600): `epoch-<n>.key`. Created whole or not at all (a temporary file
 * linked into place, which fails when the name exists: two processes making
 * the same epoch agree on one key); destroyed by overwriting the file with
 * zeros, syncing it, and unlinking it. What the filesystem keeps of freed
 * blocks (copy-on-write filesystems, SSD wear levelling) is beyond a file's
 * reach: the README says so.
 *
 * @example
 * const store = new LocalEpochKeyStore('/p/.pond/keys');
 * await store.create(1, hierarchy.wrapEpochKey(kek, 1));
 */
export class LocalEpochKeyStore implements EpochKeyStore {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = dir;
  }

  private fileOf(epoch: number): string {
    return path.join(this.dir, `epoch-${epoch}.key`);
  }

  async read(epoch: number): Promise<string | undefined> {
    try {
      return await fs.readFile(this.fileOf(epoch), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.failure(error, `read the key of epoch ${epoch}`);
    }
  }

  async create(epoch: number, text: string): Promise<string> {
    const file = this.fileOf(epoch);
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      const handle = await fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(`${text}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fs.link(temp, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        await fs.rm(temp, { force: true });
      }
      await syncDir(this.dir);
    } catch (error) {
      throw this.failure(error, `store the key of epoch ${epoch}`);
    }
    return (await this.read(epoch)) ?? text;
  }

  async list(): Promise<number[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.failure(error, 'list the epoch keys');
    }
    return names
      .flatMap((n) => {
        const m = FILE.exec(n);
        return m ? [Number(m[1])] : [];
      })
      .sort((a, b) => a - b);
  }

  async destroy(epoch: number): Promise<void> {
    const file = this.fileOf(epoch);
    try {
      const handle = await fs.open(file, 'r+');
      try {
        const { size } = await handle.stat();
        await handle.write(Buffer.alloc(size), 0, size, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rm(file, { force: true });
      await syncDir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw this.failure(error, `destroy the key of epoch ${epoch}`);
    }
  }

  private failure(error: unknown, doing: string): PondError {
    return new PondError('STORAGE_UNAVAILABLE', `could not ${doing} in ${this.dir}: ${(error as Error).message}`, {
      cause: error,
      where: this.dir,
      hint: 'the epoch keys live in privacy.keyDir (default .pond/keys, or POND_KEY_DIR): check that the folder exists and is writable by Pond only',
    });
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
