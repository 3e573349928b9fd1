/**
 * Which columns of each stream and dataset hold personal data. Streams take
 * what their schema and `pii` option declare; each dataset's output columns
 * take the class of the input columns they derive from, through the whole
 * graph in dependency order:
 *
 * - SQL datasets: by column lineage (see `sql-lineage.ts`); an output column
 *   that derives from an identifier is an identifier, else from a personal
 *   column personal (identifier beats personal beats nothing).
 * - TypeScript datasets: by name only — an output column named like a
 *   classified column of an input inherits its class, and the dataset is
 *   marked unverified, unless it declares `pii`.
 * - A dataset's `pii` overrides the inferred class of the columns it names.
 *
 * Computed on demand (it parses each SQL dataset once with DuckDB), never at
 * project load.
 */
import { protectsPersonalData, type DatasetModel, type NodeModel, type Project, type StreamModel } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import type { PiiClass } from '../schema/index.ts';
import { sqlLineage, type ColumnSource } from './sql-lineage.ts';

/** Parses DuckDB SQL into `json_serialize_sql`'s JSON (see `duckdbSqlParser`). */
export type SqlParser = (sql: string) => Promise<unknown>;

export interface ColumnClass {
  readonly column: string;
  readonly class: PiiClass;
  /** Where it comes from: `declared`, `from users.email`, `by name (unverified)`. */
  readonly source: string;
}

export interface NodePrivacy {
  readonly name: string;
  readonly kind: 'stream' | 'dataset';
  readonly file: string;
  readonly identifiers: readonly string[];
  readonly personal: readonly string[];
  /** Each classified column with the origin of its class. */
  readonly columns: readonly ColumnClass[];
  /** A TypeScript dataset that reads personal data and does not declare `pii`: its classes are guessed by name. */
  readonly unverified: boolean;
  /** The streams whose personal data a dataset reads decrypted (its `decrypt`): its personal columns hold clear values. */
  readonly decrypts: readonly string[];
}

interface Known {
  /** Output columns, or null when unknown. */
  readonly columns: readonly string[] | null;
  readonly classes: ReadonlyMap<string, ColumnClass>;
}

/** What raw stream meta columns hold when the stream has a data subject. */
const META_CLASSES: ReadonlyArray<[string, PiiClass, string]> = [
  ['_raw', 'identifier', 'the original event'],
  ['_ip', 'personal', 'client IP address'],
];

/**
 * @example
 * const privacy = await classifyProject(project, duckdbSqlParser(session));
 * privacy.get('purchase_items')?.identifiers // ['user_id']
 */
export async function classifyProject(project: Project, parse: SqlParser): Promise<Map<string, NodePrivacy>> {
  const known = new Map<string, Known>();
  const out = new Map<string, NodePrivacy>();
  for (const stream of project.streams.values()) {
    const k = streamClasses(stream);
    known.set(stream.name, k);
    out.set(stream.name, summary(stream, k, false));
  }
  for (const name of project.order) {
    const dataset = project.datasets.get(name) as DatasetModel;
    const { k, unverified } = dataset.sql !== undefined ? await sqlClasses(dataset, known, parse) : tsClasses(dataset, known);
    known.set(name, k);
    out.set(name, summary(dataset, k, unverified));
  }
  return out;
}

function streamClasses(stream: StreamModel): Known {
  const classes = new Map<string, ColumnClass>();
  for (const column of stream.pii.identifiers) classes.set(column, { column, class: 'identifier', source: 'declared' });
  for (const column of stream.pii.personal) classes.set(column, { column, class: 'personal', source: 'declared' });
  if (protectsPersonalData(stream.pii)) for (const [column, cls, source] of META_CLASSES) classes.set(column, { column, class: cls, source });
  return { columns: stream.columns.map((c) => c.name), classes };
}

async function sqlClasses(dataset: DatasetModel, known: ReadonlyMap<string, Known>, parse: SqlParser): Promise<{ k: Known; unverified: boolean }> {
  const inputs = new Map(dataset.inputs.map((i) => [i.alias, known.get(i.source)?.columns ?? null]));
  const lineage = sqlLineage(await parse(dataset.sql as string), inputs);
  // DuckDB could not parse it (the build will say why): fall back on names.
  if (lineage === undefined) return tsClasses(dataset, known);
  const sourceOf = new Map(dataset.inputs.map((i) => [i.alias, i.source]));
  const classes = new Map<string, ColumnClass>();
  for (const out of lineage) {
    const found = out.sources.map((s) => ({ s, cls: classOf(known.get(sourceOf.get(s.input) ?? ''), s) })).filter((x) => x.cls !== undefined);
    const best = found.some((x) => x.cls === 'identifier') ? 'identifier' : found.length > 0 ? 'personal' : undefined;
    if (best === undefined) continue;
    const from = found.filter((x) => x.cls === best).map((x) => `${sourceOf.get(x.s.input)}.${x.s.column}`);
    classes.set(out.name, { column: out.name, class: best, source: `from ${[...new Set(from)].join(', ')}` });
  }
  const columns = lineage.some((c) => c.name === '*') ? null : lineage.map((c) => c.name);
  return { k: { columns, classes: declared(dataset, columns, classes) }, unverified: false };
}

function tsClasses(dataset: DatasetModel, known: ReadonlyMap<string, Known>): { k: Known; unverified: boolean } {
  const columns = dataset.columns ? Object.keys(dataset.columns) : null;
  const classes = new Map<string, ColumnClass>();
  const inputClasses = dataset.inputs.flatMap((i) => [...(known.get(i.source)?.classes.values() ?? [])]);
  if (dataset.pii === undefined) {
    for (const c of inputClasses) {
      if (c.column === '*' || (columns !== null && !columns.includes(c.column))) continue;
      const seen = classes.get(c.column);
      if (!seen || (seen.class === 'personal' && c.class === 'identifier'))
        classes.set(c.column, { column: c.column, class: c.class, source: 'by name (unverified)' });
    }
  }
  return { k: { columns, classes: declared(dataset, columns, classes) }, unverified: dataset.pii === undefined && inputClasses.length > 0 };
}

/** The inferred classes with the dataset's `pii` applied over them. */
function declared(dataset: DatasetModel, columns: readonly string[] | null, inferred: Map<string, ColumnClass>): Map<string, ColumnClass> {
  const pii = dataset.pii;
  if (!pii) return inferred;
  const out = new Map(inferred);
  const lists: Array<['identifiers' | 'personal' | 'none', PiiClass | undefined]> = [
    ['identifiers', 'identifier'],
    ['personal', 'personal'],
    ['none', undefined],
  ];
  for (const [field, cls] of lists) {
    pii[field].forEach((column, i) => {
      if (columns !== null && !columns.includes(column)) {
        throw new PondError('INVALID_PROJECT', `"${column}" is not an output column`, {
          where: `${dataset.file}: dataset "${dataset.name}" field pii.${field}[${i}]`,
          hint: `its output columns: ${columns.join(', ') || '(none)'}`,
        });
      }
      if (cls === undefined) out.delete(column);
      else out.set(column, { column, class: cls, source: 'declared' });
    });
  }
  return out;
}

function classOf(input: Known | undefined, source: ColumnSource): PiiClass | undefined {
  if (!input) return undefined;
  if (source.column !== '*') return input.classes.get(source.column)?.class ?? input.classes.get('*')?.class;
  const all = [...input.classes.values()].map((c) => c.class);
  return all.includes('identifier') ? 'identifier' : all.length > 0 ? 'personal' : undefined;
}

function summary(node: NodeModel, k: Known, unverified: boolean): NodePrivacy {
  const columns = [...k.classes.values()];
  return {
    name: node.name,
    kind: node.kind,
    file: node.file,
    identifiers: columns.filter((c) => c.class === 'identifier').map((c) => c.column),
    personal: columns.filter((c) => c.class === 'personal').map((c) => c.column),
    columns,
    unverified,
    decrypts: node.kind === 'dataset' ? [...new Set(node.inputs.filter((i) => node.decrypt.includes(i.alias)).map((i) => i.source))] : [],
  };
}
