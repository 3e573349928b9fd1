/**
 * Reading a project file's text to point at a line: where a key is written,
 * which environment variable a field reads. Only used once something is
 * wrong, to make the error say where — never to decide what is valid, so a
 * file written in a way these patterns miss gets an error without a line,
 * not a wrong one.
 */
import { readFileSync } from 'node:fs';

/** The text of a file, or undefined when it cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Offsets where `key` is written as an object key (`key:`, `'key':`, `"key":`). */
function keyOffsets(text: string, key: string): number[] {
  const pattern = new RegExp(`(?<![\\w$.])(['"]?)${escape(key)}\\1\\s*:`, 'g');
  return [...text.matchAll(pattern)].map((m) => m.index);
}

/** Offset of `name: 'value'` (the definition named `value`), if written so. */
export function nameOffset(text: string, name: string): number | undefined {
  return new RegExp(`\\bname\\s*:\\s*(['"\`])${escape(name)}\\1`).exec(text)?.index;
}

/**
 * The line where `key` is written: the only place, or the one nearest to
 * `near` (the offset of the definition it belongs to).
 *
 * @example
 * keyLine("export const d = dataset({\n  parition: 'day',\n});", 'parition') // 2
 */
export function keyLine(text: string, key: string, near?: number): number | undefined {
  const offsets = keyOffsets(text, key);
  if (offsets.length === 0) return undefined;
  if (offsets.length > 1 && near === undefined) return undefined;
  const best = offsets.reduce((a, b) => (Math.abs(b - (near ?? 0)) < Math.abs(a - (near ?? 0)) ? b : a));
  return lineAt(text, best);
}

/** An unset environment variable a field reads, and the line the field is written on. */
export interface UnsetVariable {
  readonly name: string;
  readonly line: number;
}

/**
 * The environment variable a field reads, when it is unset: the field is
 * found by its path of keys (each searched after the one before, so
 * `collect.sources.app.writeKey` finds `app`'s key, not another source's),
 * then `process.env.NAME` or `process.env['NAME']` in the expression written
 * after it. Undefined when the field is not written so, or the variable is set.
 *
 * @example
 * unsetVariable("sources: { app: { writeKey: process.env.APP_KEY! } }", ['sources', 'app', 'writeKey'], {}) // { name: 'APP_KEY', line: 1 }
 */
export function unsetVariable(text: string, keys: readonly string[], env: NodeJS.ProcessEnv, from = 0): UnsetVariable | undefined {
  let at = from;
  for (const key of keys) {
    const next = keyOffsets(text, key).find((o) => o >= at);
    if (next === undefined) return undefined;
    at = next;
  }
  // The expression: up to the next field or the end of the object, on the same statement.
  const rest = text.slice(at);
  const end = rest.search(/,\s*[\w$'"]+\s*:|\}|\n\s*\n/);
  const expression = end === -1 ? rest : rest.slice(0, end);
  for (const m of expression.matchAll(/process\.env(?:\.([A-Za-z_][\w]*)|\[\s*(['"])([^'"]+)\2\s*\])/g)) {
    const name = m[1] ?? m[3];
    if (name !== undefined && (env[name] === undefined || env[name] === '')) return { name, line: lineAt(text, at) };
  }
  return undefined;
}

/**
 * `where` (`file: field x`) with a line after the file.
 *
 * @example
 * withLine('pond.config.ts: field collect.port', 4) // 'pond.config.ts:4: field collect.port'
 */
export function withLine(where: string, line: number | undefined): string {
  return line === undefined ? where : where.replace(/^(.*?): /, `$1:${line}: `);
}
