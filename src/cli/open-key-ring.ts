/**
 * The key ring of a command's project, opened once on first use: the master
 * key from `POND_MASTER_KEY` or the key file — created on the first start that
 * needs it, which the command says once on stderr, with what to do about it.
 */
import * as path from 'node:path';
import type { Project } from '../config/index.ts';
import { KeyHierarchy, openMasterKey, SubjectKeyRing } from '../privacy/index.ts';
import type { StateStore } from '../state/index.ts';

export function openKeyRing(project: Project, state: StateStore, say: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): () => Promise<SubjectKeyRing> {
  let ring: Promise<SubjectKeyRing> | undefined;
  return () =>
    (ring ??= openMasterKey({ keyFile: project.privacy.keyFile, lakeDir: project.lakeDir }).then((master) => {
      if (master.created) {
        const shown = path.relative(process.cwd(), master.created) || master.created;
        say(`created the master key of personal data in ${shown} (mode 0600). Back it up, apart from the lake: without it the personal data landed under it cannot be read. POND_MASTER_KEY (32 bytes, base64) overrides the file.`);
      }
      return new SubjectKeyRing(state, new KeyHierarchy(master.key));
    })).catch((error: unknown) => {
      ring = undefined;
      throw error;
    });
}
