/**
 * What "Cannot access 'b' before initialization" means in a project. A
 * definition that reads another one (`inputs: { b }`) before the line that
 * defines it has run is, in pipeline files, one of three things:
 *
 * - a dependency cycle: `b` reads, directly or through others, the definition
 *   being made (two files whose datasets read each other);
 * - a definition used above the line that defines it, in the same file;
 * - an import cycle between files: `b`'s file imports this file, so one of
 *   them runs before the other has defined what it exports.
 *
 * The error says which, with the definitions, their files and lines, and how
 * to break it. The files are read as text, with patterns for how
 * definitions are usually written (`export const x = dataset({ … })`,
 * `import { x } from './y.ts'`): a project written otherwise still gets an
 * error that names the variable and the line, only without the cycle.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PondError } from '../errors/index.ts';
import { lineAt, readText } from './source-text.ts';

interface Definition {
  /** The variable it is assigned to. */
  readonly variable: string;
  readonly kind: 'stream' | 'dataset';
  /** Its `name`, or the variable when the name is not a literal. */
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** Its text, strings and comments blanked: the identifiers it reads. */
  readonly code: string;
}

interface FileInfo {
  readonly definitions: Definition[];
  /** Local name → the file and name it is imported from. */
  readonly imports: Map<string, { file: string; name: string }>;
  readonly importedFiles: string[];
}

const TDZ = /Cannot access '([^']+)' before initialization/;
const DEFINITION =
  /^[ \t]*(?:export[ \t]+)?(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)[ \t]*(?::[^=\n]+)?=[ \t]*(?:[\w$]+\.)?(dataset|stream)[ \t]*(?:<[^>\n]*>)?[ \t]*\(/gm;
const IMPORT = /import\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*(['"])([^'"]+)\2/g;
const BLANKED = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g;

/**
 * The project error for a definition read before it was initialized, or
 * undefined when `error` is not one.
 *
 * @example
 * try { await import(file) } catch (error) { throw initOrderError(error, root) ?? error }
 */
export function initOrderError(error: unknown, root: string): PondError | undefined {
  if (!(error instanceof ReferenceError)) return undefined;
  const variable = TDZ.exec(error.message)?.[1];
  if (variable === undefined) return undefined;
  const rel = (file: string) => path.relative(root, file) || file;
  const site = siteOf(error, root);
  const plain = () =>
    new PondError('INVALID_PROJECT', `reads ${variable} before it is defined: a definition used above its line, or files that import each other`, {
      where: site ? `${rel(site.file)}:${site.line}` : undefined,
      hint: `define ${variable} before what reads it; a stream or dataset of another file can also be named as a string (inputs: { ${variable}: '${variable}' })`,
      cause: error,
    });
  if (!site) return plain();

  const infos = new Map<string, FileInfo>();
  const info = (file: string): FileInfo | undefined => {
    if (!infos.has(file)) {
      const text = readText(file);
      if (text !== undefined) infos.set(file, parse(file, text));
    }
    return infos.get(file);
  };
  const resolve = (file: string, local: string, depth = 0): Definition | undefined => {
    const here = info(file);
    if (!here || depth > 8) return undefined;
    const own = here.definitions.find((d) => d.variable === local);
    if (own) return own;
    const imported = here.imports.get(local);
    return imported ? resolve(imported.file, imported.name, depth + 1) : undefined;
  };
  const reads = (def: Definition): Definition[] => {
    const out = new Set<Definition>();
    for (const m of def.code.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*(?!\s*:(?!:))/g)) {
      const target = resolve(def.file, m[0]);
      if (target && target !== def) out.add(target);
    }
    return [...out];
  };

  const siteDefs = info(site.file)?.definitions.filter((d) => d.line <= site.line) ?? [];
  const reader = siteDefs[siteDefs.length - 1];
  const target = resolve(site.file, variable);
  if (!reader || !target) return plain();
  const where = `${rel(site.file)}:${site.line}: ${reader.kind} "${reader.name}"`;

  // A way back from what it reads to itself is a dependency cycle.
  const way = pathBetween(target, reader, reads);
  if (way) {
    const around = [reader, ...way];
    const steps = around.slice(0, -1).map((d, i) => `${d.kind} "${d.name}" (${rel(d.file)}:${d.line}) reads ${(around[i + 1] as Definition).name}`);
    return new PondError('INVALID_PROJECT', `dependency cycle: ${around.map((d) => d.name).join(' → ')}: ${steps.join(', ')}`, {
      where,
      hint: 'a dataset cannot depend on itself, directly or through others: remove one of these inputs',
      cause: error,
    });
  }
  if (target.file === site.file) {
    return new PondError('INVALID_PROJECT', `reads ${variable}, which is defined below it, at line ${target.line}`, {
      where,
      hint: `move the definition of ${variable} above line ${reader.line} (a file runs from top to bottom)`,
      cause: error,
    });
  }
  const chain = importChain(target.file, site.file, (f) => info(f)?.importedFiles ?? []);
  const through = chain && chain.length > 2 ? ` (through ${chain.slice(1, -1).map(rel).join(', ')})` : '';
  return new PondError(
    'INVALID_PROJECT',
    `reads ${variable} from ${rel(target.file)}, which imports ${rel(site.file)}${through}: an import cycle, so one of the files runs before the other has defined what it exports`,
    {
      where,
      hint: `move ${variable} into a file that imports neither, or name the input as a string (inputs: { ${variable}: '${target.name}' })`,
      cause: error,
    },
  );
}

/** The first frame of the error's stack in a project file (source-mapped by tsx to the .ts line). */
function siteOf(error: Error, root: string): { file: string; line: number } | undefined {
  for (const m of (error.stack ?? '').matchAll(/\(?((?:file:\/\/)?\/[^():\n]+|[A-Za-z]:\\[^():\n]+):(\d+):\d+\)?$/gm)) {
    // A project loaded again in one process is imported as `file.ts?pond-gen=N`.
    const raw = (m[1] as string).replace(/\?.*$/, '');
    const file = raw.startsWith('file://') ? fileURLToPath(raw) : raw;
    const rel = path.relative(root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).includes('node_modules')) continue;
    return { file, line: Number(m[2]) };
  }
  return undefined;
}

function parse(file: string, text: string): FileInfo {
  const starts = [...text.matchAll(DEFINITION)];
  const definitions = starts.map((m, i) => {
    const end = starts[i + 1]?.index ?? text.length;
    const block = text.slice(m.index, end);
    const name = /\bname\s*:\s*(['"`])([^'"`]+)\1/.exec(block)?.[2] ?? (m[1] as string);
    // The variable's own declaration is not a read of it.
    const code = block.slice(m[0].length).replace(BLANKED, ' ');
    return {
      variable: m[1] as string,
      kind: m[2] as 'stream' | 'dataset',
      name,
      file,
      line: lineAt(text, m.index + (m[0].length - m[0].trimStart().length)),
      code,
    };
  });
  const imports = new Map<string, { file: string; name: string }>();
  const importedFiles: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const from = resolveImport(file, m[3] as string);
    if (!from) continue;
    importedFiles.push(from);
    for (const part of (m[1] as string).split(',')) {
      const [name, local] = part
        .replace(/^\s*type\s+/, '')
        .split(/\s+as\s+/)
        .map((s) => s.trim());
      if (name) imports.set(local || name, { file: from, name });
    }
  }
  return { definitions, imports, importedFiles };
}

/** A relative import as a file of the project: as written, with `.ts` for `.js`, with `.ts` added, or its folder's index.ts. */
function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => statSync(c, { throwIfNoEntry: false })?.isFile() === true);
}

/** The definitions from `start` to `goal` (both included) along what each reads, or undefined. */
function pathBetween(start: Definition, goal: Definition, reads: (d: Definition) => Definition[]): Definition[] | undefined {
  const previous = new Map<Definition, Definition | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift() as Definition;
    if (at === goal) {
      const way: Definition[] = [];
      for (let d: Definition | null | undefined = at; d; d = previous.get(d)) way.unshift(d);
      return way;
    }
    for (const next of reads(at)) {
      if (previous.has(next)) continue;
      previous.set(next, at);
      queue.push(next);
    }
  }
  return undefined;
}

/** The files from `start` to `goal` along imports, or undefined. */
function importChain(start: string, goal: string, importsOf: (file: string) => readonly string[]): string[] | undefined {
  const previous = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    if (at === goal) {
      const chain: string[] = [];
      for (let f: string | null | undefined = at; f; f = previous.get(f)) chain.unshift(f);
      return chain;
    }
    for (const next of importsOf(at)) {
      if (previous.has(next)) continue;
      previous.set(next, at);
      queue.push(next);
    }
  }
  return undefined;
}
