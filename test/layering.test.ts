/**
 * The map of the code, checked (DESIGN.md, "Code layout"): each folder of
 * src/ is imported by other folders only through its `index.ts` (its public
 * surface), and the import graph between folders has no cycle, so
 * dependencies point one way. The graph is read from the source text (every
 * relative `import … from` and `import()`), tests beside the code included.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

interface Import {
  readonly file: string;
  readonly from: string;
  readonly to: string;
  readonly target: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') || p.endsWith('.tsx') ? [p] : [];
  });
}

/** Every import of one top-level folder of src/ from another. */
function crossFolderImports(): Import[] {
  const out: Import[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file).split(path.sep)[0] as string;
    // Comments left out: a TSDoc example may show an import from the user's project.
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const m of code.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), m[1] as string));
      const to = target.split(path.sep)[0] as string;
      if (to !== from && !target.startsWith('..')) out.push({ file: path.relative(SRC, file), from, to, target });
    }
  }
  return out;
}

/** The cycles of the folder graph, each as a path `a → b → … → a` (one per strongly connected component). */
export function folderCycles(imports: readonly Import[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const i of imports) next.set(i.from, (next.get(i.from) ?? new Set()).add(i.to));
  const cycles: string[] = [];
  const done = new Set<string>();
  for (const start of [...next.keys()].sort()) {
    if (done.has(start)) continue;
    // Depth-first search for a way back to `start`.
    const stack: string[][] = [[start]];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const way = stack.pop() as string[];
      const at = way[way.length - 1] as string;
      for (const n of [...(next.get(at) ?? [])].sort()) {
        if (n === start) {
          cycles.push([...way, start].join(' → '));
          for (const f of way) done.add(f);
          stack.length = 0;
          break;
        }
        if (!seen.has(n)) {
          seen.add(n);
          stack.push([...way, n]);
        }
      }
    }
    done.add(start);
  }
  return cycles;
}

describe('the layout of src/', () => {
  const imports = crossFolderImports();

  it('imports another folder only through its index.ts', () => {
    const deep = imports.filter((i) => i.target !== path.join(i.to, 'index.ts'));
    assert.deepEqual(
      deep.map((i) => `${i.file} imports ${i.target}`),
      [],
    );
  });

  it('has no cycle between folders', () => {
    const cycles = folderCycles(imports);
    const where = (a: string, b: string) => imports.filter((i) => i.from === a && i.to === b).map((i) => i.file);
    assert.deepEqual(
      cycles.map((c) => {
        const steps = c.split(' → ');
        return `${c} (${steps
          .slice(1)
          .map((to, k) => `${steps[k]}→${to}: ${where(steps[k] as string, to).join(', ')}`)
          .join('; ')})`;
      }),
      [],
    );
  });

  it('keeps the base folders free of the rest of Pond (model/ imports nothing, errors/ nothing, partition/ only errors/)', () => {
    const allowed: Record<string, readonly string[]> = { model: [], errors: [], partition: ['errors'] };
    const wrong = imports.filter((i) => i.from in allowed && !(allowed[i.from] as readonly string[]).includes(i.to));
    assert.deepEqual(
      wrong.map((i) => `${i.file} imports ${i.target}`),
      [],
    );
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const made = (from: string, to: string): Import => ({ file: `${from}/x.ts`, from, to, target: `${to}/index.ts` });
    assert.deepEqual(folderCycles([made('a', 'b'), made('b', 'c'), made('c', 'a'), made('c', 'd')]), ['a → b → c → a']);
    assert.deepEqual(folderCycles([made('a', 'b'), made('b', 'c')]), []);
  });
});
