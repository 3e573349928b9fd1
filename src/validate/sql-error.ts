/**
 * DuckDB's error text, taken apart: its kind (`Binder Error`), what it says,
 * and where — DuckDB ends a message with `LINE n: <the line, maybe cut>` and a
 * caret under the place. Lines count in the statement DuckDB was given, so
 * Pond prepares the user's SQL as written (only trailing semicolons taken
 * off) and its lines are the SQL's own.
 */

export interface SqlErrorParts {
  /** `Binder Error`, `Parser Error`, `Catalog Error` …; empty when the text has no kind. */
  readonly kind: string;
  /** What DuckDB says, on one line, without the kind and the position. */
  readonly text: string;
  /** 1-based line of the SQL, when DuckDB tells. */
  readonly line: number | undefined;
  /** 0-based column in that line of the SQL, when the caret can be placed. */
  readonly column: number | undefined;
}

/**
 * @example
 * parseSqlError('Binder Error: Referenced column "x" not found in FROM clause!\n\nLINE 2:   sum(x)\n              ^', 'select\n  sum(x)')
 * // { kind: 'Binder Error', text: 'Referenced column "x" not found in FROM clause!', line: 2, column: 6 }
 */
export function parseSqlError(message: string, sql: string): SqlErrorParts {
  const at = message.search(/\n\s*LINE \d+:/);
  const head = (at === -1 ? message : message.slice(0, at)).trim();
  const kind = /^([A-Z][A-Za-z ]* Error): /.exec(head)?.[1] ?? '';
  const text = head
    .slice(kind === '' ? 0 : kind.length + 2)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  if (at === -1) return { kind, text, line: undefined, column: undefined };
  const position = /LINE (\d+): ([^\n]*)\n([ ]*)\^/.exec(message.slice(at));
  if (!position) {
    const line = /LINE (\d+):/.exec(message.slice(at))?.[1];
    return { kind, text, line: line === undefined ? undefined : Number(line), column: undefined };
  }
  const line = Number(position[1]);
  const prefix = `LINE ${position[1]}: `.length;
  const shown = position[2] as string;
  const caret = (position[3] as string).length - prefix;
  // DuckDB cuts long lines around the place, marking the cuts with "...".
  const cutBefore = shown.startsWith('...');
  const core = shown.slice(cutBefore ? 3 : 0).replace(/\.\.\.$/, '');
  const source = sql.split('\n')[line - 1] ?? '';
  const start = cutBefore ? source.indexOf(core) : 0;
  const column = start === -1 || caret < 0 ? undefined : start + caret - (cutBefore ? 3 : 0);
  return { kind, text, line, column: column !== undefined && column <= source.length ? column : undefined };
}
