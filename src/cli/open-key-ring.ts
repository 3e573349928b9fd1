/**
 * The key ring of a command's project, opened once on first use: the master
 * key from `POND_MASTER_KEY` or the key file — created on the first start that
 * needs it, which the command says once on stderr, with what to do about it —
 * and the key epochs' folder (`POND_KEY_DIR`, or `privacy.keyDir`).
 */
import * as path from 'node:path';
import type { Project } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import { KeyEpochs, KeyHierarchy, LocalEpochKeyStore, openMasterKey, SubjectKeyRing } from '../privacy/index.ts';
import type { SubjectKeyStore } from '../state/index.ts';

export const KEY_DIR_ENV = 'POND_KEY_DIR';

export function openKeyRing(
  project: Project,
  state: SubjectKeyStore,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): () => Promise<SubjectKeyRing> {
  let ring: Promise<SubjectKeyRing> | undefined;
  return () =>
    (ring ??= openMasterKey({ keyFile: project.privacy.keyFile, lakeDir: project.lakeDir }).then((master) => {
      if (master.created) {
        const shown = path.relative(process.cwd(), master.created) || master.created;
        say(
          `created the master key of personal data in ${shown} (mode 0600). Back it up, apart from the lake: without it the personal data landed under it cannot be read. POND_MASTER_KEY (32 bytes, base64) overrides the file.`,
        );
      }
      const hierarchy = new KeyHierarchy(master.key);
      return new SubjectKeyRing(state, hierarchy, new KeyEpochs(hierarchy, new LocalEpochKeyStore(keyDirOf(project))));
    })).catch((error: unknown) => {
      ring = undefined;
      throw error;
    });
}

function keyDirOf(project: Project): string {
  const fromEnv = process.env[KEY_DIR_ENV];
  const dir = fromEnv !== undefined && fromEnv !== '' ? path.resolve(fromEnv) : project.privacy.keyDir;
  const relative = path.relative(path.resolve(project.lakeDir), dir);
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new PondError('INVALID_PROJECT', `the key epochs' folder ${dir} is inside the lake (${project.lakeDir})`, {
      where: fromEnv ? KEY_DIR_ENV : 'pond.config.ts field privacy.keyDir',
      hint: 'keep keys apart from the data they protect: the default is .pond/keys',
    });
  }
  return dir;
}
