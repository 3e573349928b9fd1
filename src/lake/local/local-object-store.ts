/**
 * The object store on a local folder. Create-only writes use O_EXCL (for
 * bytes) and link(2) (for staged files), which fail when the target exists;
 * every write is fsynced, and so is its folder, before the call returns.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, type Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import type { ObjectInfo, ObjectStore, StagingEntry } from '../object-store.ts';

const STAGING = '_staging';

export class LocalObjectStore implements ObjectStore {
  private readonly knownDirs = new Set<string>();
  private readonly stagingDir: string;

  /**
   * @example
   * const store = new LocalObjectStore('/data/lake');
   * await store.putIfAbsent('datasets/x/all/v1/_manifest.json', '{}');
   */
  constructor(readonly root: string) {
    this.stagingDir = path.join(root, STAGING);
    mkdirSync(this.stagingDir, { recursive: true });
  }

  async putIfAbsent(key: string, data: Uint8Array | string): Promise<void> {
    const target = this.pathOf(key);
    await this.ensureDir(path.dirname(target));
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(target, 'wx', 0o644);
    } catch (error) {
      throw this.translate(error, key);
    }
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await syncPath(path.dirname(target));
  }

  async putFile(key: string, localPath: string, options: { syncName?: boolean } = {}): Promise<void> {
    const target = this.pathOf(key);
    // The content and the new folder become durable side by side; both before the link.
    await Promise.all([this.ensureDir(path.dirname(target)), syncPath(localPath)]);
    try {
      await fs.link(localPath, target);
    } catch (error) {
      throw this.translate(error, key);
    }
    await fs.unlink(localPath);
    if (options.syncName !== false) await syncPath(path.dirname(target));
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      throw this.translate(error, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Walk from the deepest folder the prefix names fully, then filter by the prefix.
    const slash = prefix.lastIndexOf('/');
    const base = slash < 0 ? '' : prefix.slice(0, slash);
    yield* this.walk(base, prefix);
  }

  private async *walk(dirKey: string, prefix: string): AsyncIterable<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(this.pathOf(dirKey), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw this.translate(error, dirKey);
    }
    for (const entry of entries) {
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (key === STAGING) continue;
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.walk(key, prefix);
      } else if (key.startsWith(prefix)) {
        const stat = await fs.stat(this.pathOf(key));
        yield { key, size: stat.size, modified: stat.mtimeMs };
      }
    }
  }

  /**
   * Removes the file, then the folders above it that it leaves empty (its
   * version folder, then partition folders), never the area or the dataset's
   * own folder (`datasets/<name>`): a deleted version leaves no trace of its
   * name behind. A folder another writer fills meanwhile is not empty and stays.
   */
  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await fs.rm(file, { force: true });
    for (let depth = key.split('/').length - 1, dir = path.dirname(file); depth > 2; depth--, dir = path.dirname(dir)) {
      try {
        await fs.rmdir(dir);
      } catch {
        break; // not empty (or gone): what is above it is not empty either
      }
      this.knownDirs.delete(dir);
    }
  }

  locate(key: string): string {
    return this.pathOf(key);
  }

  stagingPath(extension: string): string {
    return path.join(this.stagingDir, `${randomUUID()}${extension}`);
  }

  /** The files in `_staging`: their paths are their ids. */
  async *listStaging(): AsyncIterable<StagingEntry> {
    let names: string[];
    try {
      names = await fs.readdir(this.stagingDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw this.translate(error, STAGING);
    }
    for (const name of names) {
      const file = path.join(this.stagingDir, name);
      // A writer may move or remove it between the listing and the stat.
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat) yield { id: file, modified: stat.mtimeMs };
    }
  }

  async removeStaging(id: string): Promise<void> {
    if (path.dirname(id) !== this.stagingDir || ['.', '..'].includes(path.basename(id))) {
      throw new PondError('BAD_ARGUMENT', `"${id}" is not a staging entry of the lake at ${this.root} (ids come from listStaging())`);
    }
    await fs.rm(id, { force: true });
  }

  private pathOf(key: string): string {
    if (key.includes('..') || path.isAbsolute(key)) {
      throw new PondError('BAD_ARGUMENT', `object key "${key}" must be relative and must not contain ".."`);
    }
    return path.join(this.root, key);
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const first = await fs.mkdir(dir, { recursive: true });
    // Each new folder must itself be durable in its parent before files in it count.
    if (first !== undefined) {
      for (let d = dir; d.length >= first.length; d = path.dirname(d)) await syncPath(path.dirname(d));
    }
    // Version folders are new every time: remember only recent ones.
    if (this.knownDirs.size > 10_000) this.knownDirs.clear();
    this.knownDirs.add(dir);
  }

  private translate(error: unknown, key: string): PondError {
    if (error instanceof PondError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return new PondError('ALREADY_EXISTS', `object "${key}" already exists in the lake at ${this.root}`, { cause: error });
    if (code === 'ENOENT') return new PondError('NOT_FOUND', `object "${key}" is not in the lake at ${this.root}`, { cause: error });
    return new PondError('STORAGE_UNAVAILABLE', `lake at ${this.root}: ${(error as Error).message}`, { cause: error });
  }
}

/** fsync of a file or a folder (a folder's sync makes the names in it durable). */
async function syncPath(target: string): Promise<void> {
  const handle = await fs.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
