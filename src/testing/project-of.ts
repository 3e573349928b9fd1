/**
 * The project a definition belongs to: the folder with `pond.config.ts` at or
 * above the file that declared it. Each project is loaded once per process, so
 * a test file's many `runDataset` calls pay for loading it once.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILE, loadProject, type Project } from '../config/index.ts';
import { PondError } from '../errors/index.ts';

const loaded = new Map<string, Promise<Project>>();

/**
 * @param definedIn the file that declared the definition (`definedIn` of a `dataset(…)`)
 * @param explicit a project folder the caller named; wins over `definedIn`
 */
export function projectOf(definedIn: string | undefined, explicit?: string): Promise<Project> {
  const start = explicit !== undefined ? path.resolve(explicit) : definedIn !== undefined ? path.dirname(toPath(definedIn)) : process.cwd();
  const root = explicit !== undefined ? start : findRoot(start);
  let project = loaded.get(root);
  if (!project) {
    project = loadProject(root);
    loaded.set(root, project);
    // A project that failed to load may be fixed and tried again in the same process (watch mode).
    project.catch(() => loaded.delete(root));
  }
  return project;
}

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, CONFIG_FILE))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new PondError('INVALID_PROJECT', `no ${CONFIG_FILE} in ${from} or any folder above it`, {
    hint: "keep pipeline files inside a project folder, or pass { project: 'path/to/project' } to runDataset",
  });
}

function toPath(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}
