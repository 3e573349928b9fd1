/**
 * Loads a project folder: `pond.config.ts` and every stream and dataset
 * exported by the files of its pipeline folders, then validates them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigDefinition, DatasetDefinition, StreamDefinition } from '../define/index.ts';
import { PondError } from '../errors/index.ts';
import { initOrderError } from './init-order.ts';
import { registerPondResolver } from './pond-resolver.ts';
import type { Project } from './project.ts';
import { resolveProject } from './resolve-project.ts';

export const CONFIG_FILE = 'pond.config.ts';

export interface LoadOptions {
  /**
   * Load the files afresh, as generation N (> 0), although this process
   * imported them before: what `pond up` does when the project changed. The
   * modules of earlier generations stay in memory (ES modules cannot be
   * unloaded); each costs what its code does, a few hundred KB at most.
   */
  readonly generation?: number;
}

/**
 * @example
 * const project = await loadProject('examples/shop');
 * project.datasets.get('hourly_sales')?.partitioning // { kind: 'time', grain: hour }
 */
export async function loadProject(dir: string, options: LoadOptions = {}): Promise<Project> {
  const root = path.resolve(dir);
  const configFile = path.join(root, CONFIG_FILE);
  if (!existsSync(configFile)) {
    throw new PondError('INVALID_PROJECT', `no ${CONFIG_FILE} in ${root}`, {
      hint: 'run pond in a project folder, pass --project DIR, or create one with `pond init DIR`',
    });
  }
  assertEsmProject(root);
  registerPondResolver();
  const generation = options.generation ?? 0;
  const configModule = await importFile(configFile, root, generation);
  const config = (configModule.default ?? { kind: 'config' }) as ConfigDefinition;
  if (typeof config !== 'object' || config === null || config.kind !== 'config') {
    throw new PondError('INVALID_PROJECT', 'the default export must be defineConfig({ … })', { where: CONFIG_FILE });
  }
  const streams: StreamDefinition[] = [];
  const datasets: DatasetDefinition[] = [];
  const foundIn = new Map<object, string>();
  const seen = new Set<object>();
  const files = pipelineFiles(root, config.pipelines ?? ['pipelines']);
  for (const file of files) {
    const module = await importFile(file, root, generation);
    for (const value of Object.values(module)) {
      if (typeof value !== 'object' || value === null || seen.has(value)) continue;
      const kind = (value as { kind?: unknown }).kind;
      if (kind === 'stream') streams.push(value as StreamDefinition);
      else if (kind === 'dataset') datasets.push(value as DatasetDefinition);
      else continue;
      seen.add(value);
      foundIn.set(value, (value as { definedIn?: string }).definedIn ?? file);
    }
  }
  return resolveProject({ dir: root, configFile, config, streams, datasets, foundIn, files: [configFile, ...files] });
}

/**
 * Project files are ES modules. Without `"type": "module"` in the nearest
 * package.json, Node takes `.ts` files for CommonJS and loading them fails in
 * confusing ways; say what to do instead.
 */
function assertEsmProject(root: string): void {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown }).type;
      } catch (error) {
        throw new PondError('INVALID_PROJECT', `cannot read ${file}: ${(error as Error).message}`);
      }
      if (type === 'module') return;
      throw new PondError('INVALID_PROJECT', `project files are ES modules, but ${path.relative(root, file) || 'package.json'} does not say "type": "module"`, {
        where: path.relative(process.cwd(), file) || file,
        hint: 'add "type": "module" to it',
      });
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new PondError('INVALID_PROJECT', 'project files are ES modules, and the project has no package.json that says so', {
    where: root,
    hint: `create ${path.join(root, 'package.json')} with {"type": "module"}`,
  });
}

function pipelineFiles(root: string, entries: readonly string[]): string[] {
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.resolve(root, entry);
    if (!existsSync(full)) {
      throw new PondError('INVALID_PROJECT', `pipeline folder or file "${entry}" does not exist`, { where: `${CONFIG_FILE}: field pipelines` });
    }
    if (statSync(full).isFile()) files.push(full);
    else files.push(...walk(full));
  }
  return files.sort();
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !/\.(test|spec)\.[mc]?[tj]s$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

async function importFile(file: string, root: string, generation: number): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href + (generation > 0 ? `?pond-gen=${generation}` : '');
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof PondError) throw error;
    const order = initOrderError(error, root);
    if (order) throw order;
    const message = error instanceof Error ? error.message : String(error);
    throw new PondError('INVALID_PROJECT', `cannot load: ${message}`, { where: path.relative(root, file), cause: error });
  }
}
