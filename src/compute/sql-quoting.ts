/**
 * Quoting for the SQL Pond writes (DuckDB's, and the SQLite and PostgreSQL
 * sinks', which quote the same way): string literals, lists of them, and
 * identifiers. Every name or text that reaches SQL goes through one of these.
 */

/**
 * A SQL string literal.
 *
 * @example
 * sqlString("it's") // `'it''s'`
 */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * A SQL list of string literals: `['a', 'b']`.
 *
 * @example
 * sqlList(['a', "b'c"]) // `['a', 'b''c']`
 */
export function sqlList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(', ')}]`;
}

/**
 * A quoted SQL identifier.
 *
 * @example
 * quoteIdent('order "id"') // `"order ""id"""`
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
