/**
 * Output for people and for machines: aligned tables, a progress line that
 * redraws itself only on a terminal, and `--json`.
 */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** Aligned columns; cells are stringified, null shows as `NULL`. */
export function formatTable(rows: ReadonlyArray<Record<string, unknown>>, columns?: readonly string[]): string {
  const names = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    v === null || v === undefined
      ? 'NULL'
      : v instanceof Date
        ? v.toISOString()
        : typeof v === 'object'
          ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))
          : String(v);
  const body = rows.map((r) => names.map((n) => cell(r[n])));
  const widths = names.map((n, i) => Math.min(60, Math.max(n.length, ...body.map((b) => (b[i] as string).length))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (c.length > (widths[i] as number) ? `${c.slice(0, (widths[i] as number) - 1)}…` : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(names), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n');
}

export function formatCsv(rows: ReadonlyArray<Record<string, unknown>>, columns?: readonly string[]): string {
  const names = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [names.join(','), ...rows.map((r) => names.map((n) => cell(r[n])).join(','))].join('\n');
}

/** A progress line on stderr: redrawn in place on a terminal, silent otherwise. */
export class Progress {
  private last = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly label: string) {}

  update(done: number, total: number, detail = ''): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 30;
    const filled = total > 0 ? Math.round((done / total) * width) : 0;
    process.stderr.write(`\r${this.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${detail}`.padEnd(100).slice(0, 120));
  }

  done(): void {
    if (this.tty) process.stderr.write('\r'.padEnd(121) + '\r');
  }
}
