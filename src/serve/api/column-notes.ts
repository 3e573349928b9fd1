/**
 * What each column of a stream or dataset means, for the dataset page, from
 * what the project already says, through its lineage:
 *
 * - A stream's columns: each property's `description` in its JSON Schema, and
 *   what Pond's own `_` columns hold.
 * - A SQL dataset's columns: a `-- comment` at the end of the line that names
 *   the column in the query (`sum(revenue) as revenue, -- in EUR`); else the
 *   description of the one input column it is passed through or renamed from
 *   (read from DuckDB's parse tree, as personal data is: see `privacy/`),
 *   marked with where it comes from.
 * - A TypeScript dataset's columns: the description of an input column of the
 *   same name.
 *
 * Worked out once per server, in dependency order, like the personal data.
 *
 * @example
 * const notes = new ColumnNotes(project, sql);
 * await notes.of('purchase_items')
 * // [{ column: 'user_id', description: 'Who bought …', from: 'user_events.user_id' }, …]
 */
import type { DatasetModel, Project, StreamModel } from '../../config/index.ts';
import { duckdbSqlParser, sqlLineage, type SqlParser } from '../../privacy/index.ts';
import type { ColumnNote } from './answers/index.ts';
import type { ReadOnlySql } from './read-only-sql.ts';

/** What Pond's own columns of every stream hold. */
const META: Readonly<Record<string, string>> = {
  _event_time: "The event's time (its time field), which partitions the stream.",
  _received_at: 'When the collector received the event.',
  _message_id: "The event's id for deduplication: its messageId, or one Pond gave it.",
  _source: 'The source (write key) that sent it, or the file `pond load` read.',
  _ip: "The client's IP address.",
  _user_agent: "The client's User-Agent header.",
  _ua: 'The user agent, parsed: browser, OS and device.',
  _raw: 'The event exactly as received.',
};

/** `name, -- text` or `expr as name, -- text`: the column a line of a select list names, and its comment. */
const COMMENTED = /(?:^|[\s,(])(?:as\s+)?"?([A-Za-z_][\w$]*)"?\s*,?\s*--\s*(.+?)\s*$/i;

export class ColumnNotes {
  #all: Promise<Map<string, readonly ColumnNote[]>> | undefined;
  readonly #parse: SqlParser;

  constructor(
    private readonly project: Project,
    sql: ReadOnlySql,
  ) {
    this.#parse = duckdbSqlParser({ rows: (text) => sql.rowsWithoutLake(text) });
  }

  /** The described columns of a stream or dataset, in the order the project gives them. */
  async of(name: string): Promise<readonly ColumnNote[]> {
    this.#all ??= this.#compute();
    const all = await this.#all.catch((error: unknown) => {
      this.#all = undefined;
      throw error;
    });
    return all.get(name) ?? [];
  }

  async #compute(): Promise<Map<string, readonly ColumnNote[]>> {
    const out = new Map<string, readonly ColumnNote[]>();
    // The columns each node is known to have (null: only its built versions know), for the lineage of what reads it.
    const columns = new Map<string, readonly string[] | null>();
    for (const stream of this.project.streams.values()) {
      out.set(stream.name, streamNotes(stream));
      columns.set(
        stream.name,
        stream.columns.map((c) => c.name),
      );
    }
    for (const name of this.project.order) {
      const dataset = this.project.datasets.get(name) as DatasetModel;
      columns.set(name, dataset.columns ? Object.keys(dataset.columns) : null);
      out.set(name, dataset.sql !== undefined ? await this.#sqlNotes(dataset, dataset.sql, out, columns) : byName(dataset, out));
    }
    return out;
  }

  async #sqlNotes(
    dataset: DatasetModel,
    sql: string,
    known: ReadonlyMap<string, readonly ColumnNote[]>,
    columns: Map<string, readonly string[] | null>,
  ): Promise<readonly ColumnNote[]> {
    const inputs = new Map(dataset.inputs.map((i) => [i.alias, columns.get(i.source) ?? null]));
    const lineage = sqlLineage(await this.#parse(sql).catch(() => undefined), inputs);
    if (lineage === undefined) return byName(dataset, known);
    if (!lineage.some((c) => c.name === '*'))
      columns.set(
        dataset.name,
        lineage.map((c) => c.name),
      );
    const outputs = new Set(lineage.map((c) => c.name));
    const commented = new Map<string, string>();
    for (const line of sql.split('\n')) {
      const m = COMMENTED.exec(line);
      if (m && outputs.has(m[1] as string) && !commented.has(m[1] as string)) commented.set(m[1] as string, m[2] as string);
    }
    const sourceOf = new Map(dataset.inputs.map((i) => [i.alias, i.source]));
    const notes: ColumnNote[] = [];
    for (const out of lineage) {
      const own = commented.get(out.name);
      if (own !== undefined) {
        notes.push({ column: out.name, description: own, from: null });
        continue;
      }
      // Passed through or renamed from exactly one input column: its meaning comes along.
      const sources = [...new Set(out.sources.map((s) => `${s.input}\u0000${s.column}`))];
      if (sources.length !== 1) continue;
      const [input, column] = (sources[0] as string).split('\u0000') as [string, string];
      const source = sourceOf.get(input);
      const inherited = source === undefined ? undefined : known.get(source)?.find((n) => n.column === column);
      if (inherited) notes.push({ column: out.name, description: inherited.description, from: inherited.from ?? `${source}.${column}` });
    }
    return notes;
  }
}

function streamNotes(stream: StreamModel): readonly ColumnNote[] {
  const properties = (stream.schema.properties ?? {}) as Record<string, unknown>;
  const notes: ColumnNote[] = [];
  for (const c of stream.columns) {
    const property = properties[c.name];
    const described =
      typeof property === 'object' && property !== null && typeof (property as { description?: unknown }).description === 'string'
        ? (property as { description: string }).description
        : META[c.name];
    if (described !== undefined) notes.push({ column: c.name, description: described, from: null });
  }
  return notes;
}

/** A TypeScript dataset's (or an unparsable query's) columns, described by the input column of the same name. */
function byName(dataset: DatasetModel, known: ReadonlyMap<string, readonly ColumnNote[]>): readonly ColumnNote[] {
  const notes: ColumnNote[] = [];
  const seen = new Set<string>();
  for (const input of dataset.inputs) {
    for (const n of known.get(input.source) ?? []) {
      if (seen.has(n.column) || n.column.startsWith('_')) continue;
      if (dataset.columns && !(n.column in dataset.columns)) continue;
      seen.add(n.column);
      notes.push({ column: n.column, description: n.description, from: n.from ?? `${input.source}.${n.column}` });
    }
  }
  return notes;
}
