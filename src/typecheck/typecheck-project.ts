/**
 * Typechecks a project's TypeScript files with the TypeScript compiler API,
 * as `pond check` does before anything runs. `pond` and `pond/testing`
 * resolve to the types of the Pond doing the check (as they do at run time,
 * see config/pond-resolver.ts), so a project without node_modules
 * typechecks too. The project's tsconfig.json is used when it has one;
 * otherwise strict settings that fit project files (ES modules, imports with
 * or without `.ts`). Only the project's own files are reported.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface TypeDiagnostic {
  /** Project-relative path, or undefined for a problem with the options themselves. */
  readonly file: string | undefined;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  /** `TS2322`. */
  readonly code: string;
  readonly message: string;
}

export interface TypecheckOptions {
  /**
   * Check these files (absolute paths) and what they import, instead of
   * every TypeScript file of the project: what a build loads (pond.config.ts
   * and the pipeline files), leaving out tests and generators.
   */
  readonly rootFiles?: readonly string[];
}

export interface TypecheckResult {
  /** The project's TypeScript files that were checked. */
  readonly files: number;
  /** Where the settings came from: `tsconfig.json`, or `Pond's defaults`. */
  readonly settings: string;
  readonly errors: readonly TypeDiagnostic[];
}

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `pond` and `pond/testing` resolve to: this package's sources. */
const POND_PATHS: Readonly<Record<string, string[]>> = {
  pond: [path.join(PACKAGE_ROOT, 'src/define/index.ts')],
  'pond/testing': [path.join(PACKAGE_ROOT, 'src/testing/index.ts')],
};

const DEFAULTS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.ESNext,
  // Bundler resolution takes './x', './x.js' and './x.ts' alike, as tsx does when it runs the files.
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  esModuleInterop: true,
  strict: true,
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
};

/**
 * @example
 * const result = typecheckProject('examples/shop');
 * for (const e of result.errors) console.log(`${e.file}:${e.line}:${e.column} ${e.code} ${e.message}`);
 */
export function typecheckProject(dir: string, check: TypecheckOptions = {}): TypecheckResult {
  const root = path.resolve(dir);
  const configFile = path.join(root, 'tsconfig.json');
  const errors: TypeDiagnostic[] = [];
  let options: ts.CompilerOptions;
  let fileNames: string[];
  let settings: string;
  if (existsSync(configFile)) {
    settings = 'tsconfig.json';
    const read = ts.readConfigFile(configFile, (f) => ts.sys.readFile(f));
    if (read.error) return { files: 0, settings, errors: [toDiagnostic(read.error, root)] };
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configFile);
    errors.push(...parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== NO_INPUTS).map((d) => toDiagnostic(d, root)));
    options = parsed.options;
    fileNames = parsed.fileNames.filter((f) => isProjectFile(f, root));
  } else {
    settings = "Pond's defaults (no tsconfig.json)";
    options = DEFAULTS;
    fileNames = walk(root);
  }
  if (check.rootFiles !== undefined) fileNames = check.rootFiles.filter((f) => isProjectFile(f, root));
  options = {
    ...options,
    noEmit: true,
    // The project's own `pond` paths win; Pond's fill in what it leaves out.
    paths: { ...POND_PATHS, ...options.paths },
    ...nodeTypes(root, options),
  };
  const program = ts.createProgram({ rootNames: fileNames, options });
  const diagnostics: ts.Diagnostic[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  // Only the project's files: Pond's own sources are checked by Pond's CI, under its settings.
  for (const source of program.getSourceFiles()) {
    if (!isProjectFile(source.fileName, root)) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  errors.push(...diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => toDiagnostic(d, root)));
  return { files: fileNames.length, settings, errors };
}

/** "No inputs were found in config file": reported as zero files instead. */
const NO_INPUTS = 18003;

function isProjectFile(file: string, root: string): boolean {
  const rel = path.relative(root, path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).some((part) => part === 'node_modules' || part.startsWith('.'));
}

/** Node's types when the project or Pond has them (`@types/node`), unless the project's settings chose its own. */
function nodeTypes(root: string, options: ts.CompilerOptions): ts.CompilerOptions {
  if (options.types !== undefined || options.typeRoots !== undefined) return {};
  const roots = [path.join(root, 'node_modules', '@types'), path.join(PACKAGE_ROOT, 'node_modules', '@types')].filter((r) => existsSync(r));
  const hasNode = roots.some((r) => existsSync(path.join(r, 'node', 'package.json')));
  return { typeRoots: roots, types: hasNode ? ['node'] : [] };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (/\.(ts|mts|cts|tsx)$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

function toDiagnostic(d: ts.Diagnostic, root: string): TypeDiagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (d.file === undefined || d.start === undefined) return { file: undefined, line: 0, column: 0, code: `TS${d.code}`, message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { file: path.relative(root, d.file.fileName), line: line + 1, column: character + 1, code: `TS${d.code}`, message };
}
