/**
 * Where a line of a dataset's SQL is written: in its pipeline file (SQL
 * inline, as a template literal), or in a `.sql` file of the project that a
 * pipeline file reads. Found by the SQL's text; when it is assembled from
 * pieces (`${…}` in a template) the line alone is looked for, and when it
 * cannot be found the error says "line n of its SQL" instead of guessing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface SqlLocation {
  /** Project-relative file. */
  readonly file: string;
  /** 1-based line in that file. */
  readonly line: number;
}

/**
 * @example
 * locateSqlLine('/p', 'pipelines/p.ts', model.sql, 3) // { file: 'pipelines/p.ts', line: 7 }
 */
export function locateSqlLine(projectDir: string, definedIn: string, sql: string, line: number): SqlLocation | undefined {
  const wanted = (sql.split('\n')[line - 1] ?? '').trim();
  const inFile = (file: string, text: string): SqlLocation | undefined => {
    const whole = text.indexOf(sql);
    if (whole !== -1) return { file, line: lineAt(text, whole) + line - 1 };
    // Trimmed (read and trimmed, or written with different ends): its first line is then a later one of the SQL's.
    const trimmed = sql.trim();
    const at = trimmed === '' ? -1 : text.indexOf(trimmed);
    if (at !== -1) {
      const before = sql.slice(0, sql.indexOf(trimmed)).split('\n').length - 1;
      return { file, line: lineAt(text, at) + line - 1 - before };
    }
    return undefined;
  };
  const own = read(path.join(projectDir, definedIn));
  if (own !== undefined) {
    const found = inFile(definedIn, own);
    if (found) return found;
  }
  for (const file of sqlFiles(projectDir)) {
    const text = read(file);
    const found = text === undefined ? undefined : inFile(path.relative(projectDir, file), text);
    if (found) return found;
  }
  // Assembled SQL: the line itself, when the pipeline file has it once.
  if (own !== undefined && wanted.length >= 8) {
    const lines = own.split('\n').flatMap((l, i) => (l.includes(wanted) ? [i + 1] : []));
    if (lines.length === 1) return { file: definedIn, line: lines[0] as number };
  }
  return undefined;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The project's `.sql` files, not in node_modules or dot-folders. */
function sqlFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sql')) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}
