/** Validates `privacy` in pond.config.ts: where the master key file lives (see src/privacy/keys/master-key.ts). */
import * as path from 'node:path';
import type { ForgottenPolicy, PrivacyOptions } from '../define/index.ts';
import type { PrivacySettings } from './project.ts';

type Fail = (where: string, message: string, hint?: string) => never;

export const DEFAULT_KEY_FILE = '.pond/master.key';
export const DEFAULT_KEY_DIR = '.pond/keys';
const FORGOTTEN_POLICIES: readonly ForgottenPolicy[] = ['anonymize', 'drop'];

/**
 * @example
 * resolvePrivacy({ keyFile: 'secrets/master.key' }, '/p', where, fail) // { keyFile: '/p/secrets/master.key' }
 */
export function resolvePrivacy(options: PrivacyOptions | undefined, dir: string, where: (field: string) => string, fail: Fail): PrivacySettings {
  if (options === undefined) return { keyFile: path.resolve(dir, DEFAULT_KEY_FILE), keyDir: path.resolve(dir, DEFAULT_KEY_DIR), forgotten: 'anonymize' };
  if (typeof options !== 'object' || options === null)
    fail(where('privacy'), "must be { keyFile?: string, keyDir?: string, forgotten?: 'anonymize' | 'drop' }");
  const keyFile = options.keyFile ?? DEFAULT_KEY_FILE;
  if (typeof keyFile !== 'string' || keyFile.trim() === '')
    fail(
      where('privacy.keyFile'),
      `must be a file path, got ${JSON.stringify(options.keyFile)}`,
      `the default is ${DEFAULT_KEY_FILE}; POND_MASTER_KEY (32 bytes, base64) overrides the file`,
    );
  const keyDir = options.keyDir ?? DEFAULT_KEY_DIR;
  if (typeof keyDir !== 'string' || keyDir.trim() === '')
    fail(
      where('privacy.keyDir'),
      `must be a folder path, got ${JSON.stringify(options.keyDir)}`,
      `the default is ${DEFAULT_KEY_DIR}; POND_KEY_DIR overrides it`,
    );
  const forgotten = options.forgotten ?? 'anonymize';
  if (!FORGOTTEN_POLICIES.includes(forgotten)) {
    fail(
      where('privacy.forgotten'),
      `must be 'anonymize' or 'drop', got ${JSON.stringify(options.forgotten)}`,
      "'anonymize' keeps a forgotten subject's events without identifiers and personal fields; 'drop' leaves them out",
    );
  }
  return { keyFile: path.resolve(dir, keyFile), keyDir: path.resolve(dir, keyDir), forgotten };
}
