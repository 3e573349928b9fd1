/**
 * The typecheck of a project's loaded files, remembered by their content.
 * Loading the TypeScript compiler and checking even a small project takes
 * seconds, so a build pays for it only when something it depends on changed:
 * the key hashes every TypeScript file of the project (not only those checked:
 * they may import any of them), its tsconfig and package files, the Pond
 * version with the sources of its authoring API (what `pond` resolves to),
 * and the compiler's version. The result, errors included, is kept in
 * `.pond/typecheck.json`, written atomically.
 *
 * The compiler runs in a worker thread: the caller's event loop goes on (a
 * `pond up` that loads a changed project keeps collecting meanwhile).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PondError } from '../errors/index.ts';
import type { TypecheckResult, TypeDiagnostic } from '../typecheck/index.ts';

/** What the typecheck found, and whether it was read from the cache. */
export interface CachedTypecheck {
  /** Project files checked (the roots: pond.config.ts and the pipeline files). */
  readonly files: number;
  /** Where the compiler's settings came from: `tsconfig.json` or Pond's defaults. */
  readonly settings: string;
  readonly errors: readonly TypeDiagnostic[];
  readonly cached: boolean;
}

export interface TypecheckCacheOptions {
  /** The files to check (absolute): the project's loaded files. */
  readonly rootFiles: readonly string[];
  /**
   * Whether to write the result: `always`, or `if-state-exists` (only when
   * the project's `.pond` folder is there already: `pond check` creates
   * nothing in a fresh clone).
   */
  readonly write: 'always' | 'if-state-exists';
}

const CACHE_FILE = path.join('.pond', 'typecheck.json');
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * @example
 * const result = await cachedTypecheck(project.dir, { rootFiles: project.files, write: 'always' });
 * if (result.errors.length > 0) … // the same errors, from the cache, until a file changes
 */
export async function cachedTypecheck(dir: string, options: TypecheckCacheOptions): Promise<CachedTypecheck> {
  const root = path.resolve(dir);
  const key = typecheckKey(root, options.rootFiles);
  const file = path.join(root, CACHE_FILE);
  const cached = read(file);
  if (cached && cached.key === key) return { files: cached.files, settings: cached.settings, errors: cached.errors, cached: true };
  // The compiler is loaded only now: a build whose files did not change never pays for it.
  const result = await typecheckInWorker(root, options.rootFiles);
  if (options.write === 'always' || existsSync(path.dirname(file))) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify({ key, files: result.files, settings: result.settings, errors: result.errors })}\n`);
      renameSync(temporary, file);
    } catch {
      // A cache that cannot be written costs the next build the typecheck, nothing else.
    }
  }
  return { files: result.files, settings: result.settings, errors: result.errors, cached: false };
}

/** `typecheckProject` in a worker thread (tsx registered first: its hooks do not reach workers on Node 20). */
function typecheckInWorker(root: string, rootFiles: readonly string[]): Promise<TypecheckResult> {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const script = JSON.stringify(new URL('./typecheck-worker.ts', import.meta.url).href);
  return new Promise((resolve, reject) => {
    const worker = new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${script}); });`, {
      eval: true,
      name: 'pond-typecheck',
      workerData: { root, rootFiles: [...rootFiles] },
    });
    let settled = false;
    worker.once('message', (message: { result?: TypecheckResult; error?: string }) => {
      settled = true;
      if (message.result) resolve(message.result);
      else reject(new PondError('INTERNAL', `the typecheck failed: ${message.error ?? 'no result'}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(new PondError('INTERNAL', `the typecheck failed: ${error.message}`, { cause: error }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new PondError('INTERNAL', `the typecheck's worker thread stopped (exit code ${code}) without a result`));
    });
  });
}

interface CacheEntry {
  readonly key: string;
  readonly files: number;
  readonly settings: string;
  readonly errors: readonly TypeDiagnostic[];
}

function read(file: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheEntry>;
    if (typeof entry.key !== 'string' || !Array.isArray(entry.errors) || typeof entry.files !== 'number' || typeof entry.settings !== 'string')
      return undefined;
    return entry as CacheEntry;
  } catch {
    return undefined;
  }
}

/** What the result depends on, hashed: the files' content, never their times. */
export function typecheckKey(root: string, rootFiles: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`pond ${pondVersion()} typescript ${typescriptVersion()}\n`);
  hash.update(`roots ${rootFiles.map((f) => path.relative(root, f)).join(',')}\n`);
  for (const file of projectFiles(root))
    hash
      .update(`${path.relative(root, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  for (const file of pondTypeFiles()) hash.update(readFileSync(file));
  return hash.digest('hex');
}

/** The project's TypeScript files, its tsconfig and package files; not node_modules or dot-folders (.pond, .git). */
function projectFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mts|cts|tsx)$/.test(entry.name) || (dir === root && /^(tsconfig.*\.json|package\.json|package-lock\.json)$/.test(entry.name)))
        out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

let pondTypes: string[] | undefined;
/** The sources `pond` resolves to in a typecheck: the authoring API and the partition types it names. */
function pondTypeFiles(): string[] {
  pondTypes ??= ['src/define', 'src/partition'].flatMap((folder) => {
    const dir = path.join(PACKAGE_ROOT, folder);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .sort()
      .map((f) => path.join(dir, f));
  });
  return pondTypes;
}

function pondVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
}

function typescriptVersion(): string {
  try {
    const file = createRequire(import.meta.url).resolve('typescript/package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}
