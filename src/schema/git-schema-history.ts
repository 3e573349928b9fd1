/**
 * A `SchemaHistory` read from git: each stream's schema file as it was at a
 * ref (`git show REF:./path`), which is what a pull request's pipeline checks
 * against — `pond check --base origin/main`. A fresh CI clone has an empty
 * registry, but it has the history.
 *
 * The file is looked up at the path the stream names now: a stream whose
 * schema file did not exist at the ref (a new stream, or a moved file) has
 * nothing to compare against.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { PondError } from '../errors/index.ts';
import { schemaFingerprint } from './canonical-json.ts';
import type { PreviousSchema, RegistryStream, SchemaHistory } from './registry.ts';

/**
 * Throws BAD_ARGUMENT when the project is not in a git repository or `ref`
 * is not a commit there.
 *
 * @example
 * const history = gitSchemaHistory('/repo/shop', 'origin/main');
 * const reports = await compareProjectSchemas(project.streams.values(), history);
 */
export function gitSchemaHistory(projectDir: string, ref: string): SchemaHistory {
  // At once: a ref that is not there is a bad argument (exit 2), not a failed check.
  const commit = verifyRef(projectDir, ref);
  return {
    source: `git ref ${ref}`,
    async previous(stream: RegistryStream): Promise<PreviousSchema[]> {
      const text = showAt(projectDir, commit, ref, stream.schemaFile);
      if (text === undefined) return [];
      let schema: Record<string, unknown>;
      try {
        schema = JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        throw new PondError('BAD_INPUT', `the schema of stream "${stream.name}" at ${ref} is not JSON: ${(error as Error).message}`, {
          where: `${stream.schemaFile} at ${ref}`,
          hint: 'compare against a ref whose schema file is valid JSON',
        });
      }
      return [{ label: ref, schema, fingerprint: schemaFingerprint(schema) }];
    },
  };
}

function git(cwd: string, args: readonly string[]): { ok: true; stdout: string } | { ok: false; stderr: string } {
  try {
    return { ok: true, stdout: execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }) };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new PondError('BAD_ARGUMENT', '--base needs git, and git is not installed (or not on PATH)', {
        hint: 'install git, or leave --base out to compare against the registry',
      });
    return { ok: false, stderr: String(e.stderr ?? e.message).trim() };
  }
}

function verifyRef(projectDir: string, ref: string): string {
  if (ref.startsWith('-')) throw new PondError('BAD_ARGUMENT', `--base ${ref} is not a git ref`);
  const inside = git(projectDir, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok)
    throw new PondError('BAD_ARGUMENT', `--base ${ref}: the project is not in a git repository (${inside.stderr})`, {
      where: projectDir,
      hint: 'run pond check --base in a git clone of the project',
    });
  const found = git(projectDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!found.ok) {
    throw new PondError('BAD_ARGUMENT', `--base ${ref} is not a commit in this repository`, {
      hint: `fetch it first (git fetch origin main); a shallow CI checkout lacks it (actions/checkout: fetch-depth: 0)`,
    });
  }
  return found.stdout.trim();
}

/** The file's text at `commit`, or undefined when the path did not exist there. */
function showAt(projectDir: string, commit: string, ref: string, file: string): string | undefined {
  // `./` makes the path relative to the project folder, wherever it sits in the repository.
  const fromProject = path.isAbsolute(file) ? path.relative(projectDir, file) : file;
  const relative = fromProject.startsWith('../') ? fromProject : `./${fromProject.replace(/^\.\//, '')}`;
  const shown = git(projectDir, ['show', `${commit}:${relative}`]);
  if (shown.ok) return shown.stdout;
  if (/does not exist|exists on disk, but not in|not in '/.test(shown.stderr)) return undefined;
  throw new PondError('BAD_ARGUMENT', `cannot read ${file} at ${ref}: ${shown.stderr}`, { where: file });
}
