/**
 * Messages of the server's own failures, told to a client (an HTTP answer, a
 * dead letter's reason) without the server's files: DuckDB, the file system
 * and Node name the paths they failed on, and a client has no use for them
 * and should not learn the server's layout.
 */

/**
 * `message` with each absolute path (POSIX or Windows, quoted or not) made
 * `…`, and DuckDB's `in file "…"` and `at byte N in line N` (places in a
 * scratch file of the server) left out.
 *
 * @example
 * withoutServerPaths('Malformed JSON in file "/srv/lake/_staging/x.ndjson", at byte 40 in line 2: no low surrogate in string.')
 * // 'Malformed JSON: no low surrogate in string.'
 * withoutServerPaths("ENOSPC: no space left on device, write '/srv/pond/buffer/0001.log'") // "ENOSPC: no space left on device, write '…'"
 */
export function withoutServerPaths(message: string): string {
  return message
    .replace(/ in file "[^"]*"(,? (at byte \d+ )?in line \d+)?/g, '')
    .replace(/,? at byte \d+ in line \d+/g, '')
    .replace(
      /(^|[\s'"(=:])((?:\/|[A-Za-z]:\\)[^\s'"),]*)/g,
      (_whole, before: string, path: string) => `${before}…${/[:.;]$/.test(path) ? path.slice(-1) : ''}`,
    );
}
