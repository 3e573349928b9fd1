/**
 * The master key: the root of every data subject's key (see key-hierarchy.ts).
 * It comes from `POND_MASTER_KEY` (32 bytes, base64) or from a key file
 * (`privacy.keyFile`, default `.pond/master.key`), never from the lake: whoever
 * holds the lake alone must not be able to read personal data. When neither
 * exists the embedded default creates the key file, readable by its owner
 * only (0600), and says so (`created`) so that the command can tell the user
 * once, and remind them to back it up.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';

export const MASTER_KEY_ENV = 'POND_MASTER_KEY';
export const MASTER_KEY_BYTES = 32;

export interface MasterKey {
  readonly key: Buffer;
  /** `POND_MASTER_KEY`, or the key file's path. */
  readonly source: string;
  /** The key file's path when this call created it. */
  readonly created: string | undefined;
}

export interface MasterKeyOptions {
  /** Absolute path of the key file. */
  readonly keyFile: string;
  /** The lake's folder: a key file inside it is refused. */
  readonly lakeDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * @example
 * const master = await openMasterKey({ keyFile: '/p/.pond/master.key', lakeDir: '/p/.pond/lake' });
 * if (master.created) console.error(`created the master key ${master.created}`);
 */
export async function openMasterKey(options: MasterKeyOptions): Promise<MasterKey> {
  const fromEnv = (options.env ?? process.env)[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { key: decode(fromEnv, MASTER_KEY_ENV), source: MASTER_KEY_ENV, created: undefined };
  const file = path.resolve(options.keyFile);
  const relative = path.relative(path.resolve(options.lakeDir), file);
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new PondError('INVALID_PROJECT', `the master key file ${file} is inside the lake (${options.lakeDir})`, {
      where: 'pond.config.ts field privacy.keyFile',
      hint: 'keep the key apart from the data it protects: the default is .pond/master.key, or set POND_MASTER_KEY',
    });
  }
  try {
    return { key: decode(await readFile(file, 'utf8'), file), source: file, created: undefined };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw asKeyError(error, file);
  }
  const key = randomBytes(MASTER_KEY_BYTES);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // Create-only: of two processes starting at once, one writes the key and both read it.
    await writeFile(file, `${key.toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { key: decode(await readFile(file, 'utf8'), file), source: file, created: undefined };
    throw asKeyError(error, file);
  }
  return { key, source: file, created: file };
}

function decode(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== MASTER_KEY_BYTES || !/^[A-Za-z0-9+/]+=*$/.test(trimmed)) {
    throw new PondError('BAD_ARGUMENT', `the master key in ${source} is not ${MASTER_KEY_BYTES} bytes in base64`, {
      hint: 'generate one with `openssl rand -base64 32`; a key that was used before must be restored as it was, or the personal data landed with it cannot be read',
    });
  }
  return key;
}

function asKeyError(error: unknown, file: string): PondError {
  if (error instanceof PondError) return error;
  return new PondError('STORAGE_UNAVAILABLE', `cannot read or create the master key file ${file}: ${(error as Error).message}`, {
    cause: error,
    hint: 'check the folder and its permissions, or set POND_MASTER_KEY',
  });
}
