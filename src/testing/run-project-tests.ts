/**
 * Runs a project's tests — the `*.test.ts` files in its tests folder — with
 * Node's test runner in a child process that can import `pond` and
 * `pond/testing`. The runner's own report (spec) is the output; a TAP copy
 * written beside it is what the counts and the failing tests' names are read
 * from. `pond test` and the `pond check` gate both run tests through this.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadProject, type Project } from '../config/index.ts';
import { PondError } from '../errors/index.ts';

export interface RunProjectTestsOptions {
  /** Only the test files whose project-relative path contains one of these. */
  readonly filters?: readonly string[];
  /** Only the tests whose name matches this regular expression (Node's `--test-name-pattern`). */
  readonly namePattern?: string;
  /** Where the runner's output goes while it runs; by default nowhere (it is in the result's `output`). */
  readonly echo?: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream };
  /** The project, when the caller has loaded it already. */
  readonly project?: Project;
  /** Stops the run (the runner is killed). */
  readonly signal?: AbortSignal;
}

export interface ProjectTestResult {
  /** Every test passed (and the runner exited cleanly). */
  readonly ok: boolean;
  /** The test files run, relative to the project folder. */
  readonly files: readonly string[];
  readonly passed: number;
  /** Tests that failed or were cancelled (a file that cannot load counts as one). */
  readonly failed: number;
  /** Tests skipped or marked todo. */
  readonly skipped: number;
  /** Names of the failing tests; a suite that failed only through its tests is not repeated. */
  readonly failures: readonly string[];
  /** What the runner printed: its report and the tests' own output. */
  readonly output: string;
  readonly durationMs: number;
}

const TEST_FILE = /\.test\.[mc]?[jt]s$/;

/**
 * The project's test files, relative to its folder, sorted. Throws NOT_FOUND
 * (exit code 2) when there are none, saying where they were looked for.
 *
 * @example
 * findTestFiles(project)            // ['tests/devices.test.ts', 'tests/sales.test.ts', …]
 * findTestFiles(project, ['sales']) // ['tests/sales.test.ts']
 */
export function findTestFiles(project: Project, filters: readonly string[] = []): string[] {
  const rel = path.relative(project.dir, project.testsDir) || '.';
  const convention = `pond test runs the *.test.ts files in ${rel}/ and its subfolders (\`tests\` in pond.config.ts names another folder)`;
  if (!existsSync(project.testsDir) || !statSync(project.testsDir).isDirectory()) {
    throw new PondError('NOT_FOUND', `no tests: the project has no folder ${rel}/`, { where: project.dir, hint: convention });
  }
  const all = walk(project.testsDir)
    .map((f) => path.relative(project.dir, f))
    .sort();
  if (all.length === 0) throw new PondError('NOT_FOUND', `no test files in ${rel}/`, { where: project.dir, hint: convention });
  if (filters.length === 0) return all;
  const chosen = all.filter((f) => filters.some((filter) => f.includes(filter)));
  if (chosen.length === 0) {
    throw new PondError('NOT_FOUND', `no test file matches ${filters.map((f) => JSON.stringify(f)).join(' or ')}`, {
      where: project.dir,
      hint: `the test files are ${all.join(', ')}`,
    });
  }
  return chosen;
}

/**
 * Runs the project's tests and says how they went. Throws INVALID_PROJECT
 * when the project cannot be loaded and NOT_FOUND when it has no test files
 * (both exit code 2); failing tests are a result (`ok: false`), not an error.
 *
 * @example
 * const result = await runProjectTests('examples/shop', { echo: process });
 * result.ok       // true
 * result.passed   // 14
 */
export async function runProjectTests(dir: string, options: RunProjectTestsOptions = {}): Promise<ProjectTestResult> {
  const started = Date.now();
  const project = options.project ?? (await loadProject(dir));
  const files = findTestFiles(project, options.filters);
  const work = mkdtempSync(path.join(tmpdir(), 'pond-test-run-'));
  const tapFile = path.join(work, 'report.tap');
  try {
    const args = [
      '--import',
      pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
      '--import',
      new URL('./register.ts', import.meta.url).href,
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...(options.namePattern === undefined ? [] : [`--test-name-pattern=${options.namePattern}`]),
      ...files,
    ];
    const env: NodeJS.ProcessEnv = { ...process.env };
    // Set when Pond itself runs under a test runner: the child would take it for one of that runner's files and report in its protocol.
    delete env.NODE_TEST_CONTEXT;
    if ((options.echo?.stdout as { isTTY?: boolean } | undefined)?.isTTY && env.NO_COLOR === undefined) env.FORCE_COLOR ??= '1';
    const { code, output } = await runNode(args, project.dir, env, options);
    const report = existsSync(tapFile) ? readTap(readFileSync(tapFile, 'utf8'), project.dir) : undefined;
    const failures = [...(report?.failures ?? [])];
    if (code !== 0 && failures.length === 0) failures.push(`the test runner exited with ${code === null ? 'a signal' : `code ${code}`}`);
    return {
      ok: code === 0 && failures.length === 0,
      files,
      passed: report?.passed ?? 0,
      failed: Math.max(report?.failed ?? 0, code === 0 ? 0 : 1),
      skipped: report?.skipped ?? 0,
      failures,
      output,
      durationMs: Date.now() - started,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function runNode(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  options: RunProjectTestsOptions,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      options.echo?.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      options.echo?.stderr.write(chunk);
    });
    child.on('error', (error) => {
      if (options.signal?.aborted) resolve({ code: null, output });
      else reject(new PondError('INTERNAL', `cannot start the test runner: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

interface TapReport {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}

/** Counts from the report's closing `# pass N` lines, and the names of the `not ok` tests. */
function readTap(tap: string, projectDir: string): TapReport {
  const count = (name: string) => {
    const all = [...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))];
    return Number(all[all.length - 1]?.[1] ?? 0);
  };
  const lines = tap.split('\n');
  const failures: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)not ok \d+ - (.*?)(?: # (?:SKIP|TODO)\b.*)?$/.exec(lines[i] as string);
    if (!match) continue;
    const indent = match[1] as string;
    let onlySubtests = false;
    // The YAML block after a result ends with `…` at its indent plus two.
    for (let j = i + 1; j < lines.length && lines[j] !== `${indent}  ...`; j++) {
      if (/^\s*(?:not )?ok \d+ /.test(lines[j] as string)) break;
      if (/failureType: '?subtestsFailed'?/.test(lines[j] as string)) onlySubtests = true;
    }
    if (onlySubtests) continue;
    const name = (match[2] as string).replace(/\\([#\\])/g, '$1');
    failures.push(path.isAbsolute(name) ? path.relative(projectDir, name) : name);
  }
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo'), failures };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (TEST_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}
