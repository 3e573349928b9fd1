import { PondError } from '../errors/index.ts';
import type { NewVersion } from './roles/index.ts';

/** Another writer made a new version of the partition after the batch read it; the batch is written again on top of it. */
export function landingConflict(version: NewVersion, current: string | null, replaces: string | null): PondError {
  return new PondError(
    'CONFLICT',
    `partition ${version.key} of ${version.dataset} changed while a batch was landing (current version ${current ?? 'none'}, expected ${replaces ?? 'none'})`,
  );
}
