/**
 * Column lineage of a SQL query: for each output column of the top-level
 * SELECT, the input columns its value is computed from. It reads the parse
 * tree DuckDB gives as JSON (`json_serialize_sql`), so it follows DuckDB's own
 * grammar: aliases, expressions, functions, CASE, joins, CTEs, subqueries,
 * set operations and `*` / `tbl.*` (with EXCLUDE and REPLACE).
 *
 * Rules:
 * - Only the values of output expressions count: a column used in WHERE,
 *   GROUP BY, JOIN ON or ORDER BY does not flow into the output.
 * - Counting aggregates (`count`, `count(distinct …)`, `approx_count_distinct`,
 *   `count_if`) and ranking window functions (`row_number`, `rank` …) give a
 *   number that holds none of their arguments: they have no sources.
 * - When a reference cannot be resolved precisely (an unknown table, a name
 *   found nowhere), the output column conservatively derives from every
 *   column of every relation in scope.
 */

/** One input column: `input` is the view name the SQL reads (an input alias); `column` is `*` for "any column of it". */
export interface ColumnSource {
  readonly input: string;
  readonly column: string;
}

/** An output column and what it derives from; `name` is `*` for the unknown columns of a `*` over a relation whose columns are unknown. */
export interface OutputLineage {
  readonly name: string;
  readonly sources: readonly ColumnSource[];
}

/** The columns of each input view by name, or `null` when they are unknown (any name resolves to it). */
export type InputColumns = ReadonlyMap<string, readonly string[] | null>;

type Refs = Set<string>;
type Node = Record<string, unknown>;

interface Relation {
  /** Known columns in order, or null (then `open` names the input that any name resolves to, if any). */
  readonly cols: ReadonlyArray<{ readonly name: string; readonly refs: Refs }> | null;
  readonly open: string | undefined;
  readonly all: Refs;
}

interface Scope {
  readonly rels: Map<string, Relation>;
  readonly outer: Scope | undefined;
}

interface Ctx {
  readonly inputs: InputColumns;
  readonly ctes: ReadonlyMap<string, Relation>;
  readonly params: ReadonlySet<string>;
  /** Aliases defined earlier in the same select list (DuckDB lets later expressions use them). */
  readonly aliases: ReadonlyMap<string, Refs>;
}

const COUNTING = new Set(['count', 'count_star', 'approx_count_distinct', 'count_if', 'countif']);
const RANKING = new Set([...COUNTING, 'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile']);
const SEP = '\u0000';

/**
 * The lineage of the first statement of a `json_serialize_sql` answer, or
 * undefined when DuckDB could not parse it or it is not a query.
 *
 * @example
 * const ast = await session.rows(`select json_serialize_sql('select lower(email) as e from users') as j`);
 * sqlLineage(JSON.parse(ast[0].j), new Map([['users', ['email', 'plan']]]))
 * // [{ name: 'e', sources: [{ input: 'users', column: 'email' }] }]
 */
export function sqlLineage(ast: unknown, inputs: InputColumns): OutputLineage[] | undefined {
  if (!isNode(ast) || ast.error === true || !Array.isArray(ast.statements)) return undefined;
  const first = ast.statements[0] as Node | undefined;
  if (!isNode(first) || !isNode(first.node)) return undefined;
  const ctx: Ctx = { inputs, ctes: new Map(), params: new Set(), aliases: new Map() };
  const rel = queryNode(first.node, ctx, undefined);
  if (rel.cols === null) return [{ name: '*', sources: toSources(rel.all) }];
  return rel.cols.map((c) => ({ name: c.name, sources: toSources(c.refs) }));
}

function queryNode(node: Node, ctx: Ctx, outer: Scope | undefined): Relation {
  const ctes = new Map(ctx.ctes);
  const map = isNode(node.cte_map) && Array.isArray(node.cte_map.map) ? (node.cte_map.map as Node[]) : [];
  for (const entry of map) {
    const query = isNode(entry.value) && isNode(entry.value.query) ? entry.value.query.node : undefined;
    if (typeof entry.key !== 'string' || !isNode(query)) continue;
    const rel = queryNode(query, { ...ctx, ctes }, outer);
    ctes.set(entry.key.toLowerCase(), renamed(rel, isNode(entry.value) ? entry.value.aliases : undefined));
  }
  const inner: Ctx = { ...ctx, ctes, aliases: new Map() };
  if (node.type === 'SELECT_NODE') return selectNode(node, inner, outer);
  // Set operations and recursive CTEs: columns by position, named after the first branch.
  const branches = Array.isArray(node.children) ? (node.children as unknown[]) : [node.left, node.right];
  const rels = branches.filter(isNode).map((b) => queryNode(b, inner, outer));
  if (rels.length === 0) return unknown(allInputs(ctx.inputs));
  const [head, ...rest] = rels as [Relation, ...Relation[]];
  if (head.cols === null || rest.some((r) => r.cols === null)) return unknown(union(...rels.map((r) => r.all)));
  return known(head.cols.map((c, i) => ({ name: c.name, refs: union(c.refs, ...rest.map((r) => r.cols?.[i]?.refs ?? new Set<string>())) })));
}

function selectNode(node: Node, ctx: Ctx, outer: Scope | undefined): Relation {
  const scope: Scope = { rels: new Map(), outer };
  addTable(node.from_table, scope, ctx);
  const cols: Array<{ name: string; refs: Refs }> = [];
  const aliases = new Map<string, Refs>();
  const list = Array.isArray(node.select_list) ? (node.select_list as unknown[]) : [];
  list.forEach((expr, i) => {
    if (!isNode(expr)) return;
    if (expr.class === 'STAR' && !expr.columns) {
      cols.push(...star(expr, scope, { ...ctx, aliases }));
      return;
    }
    const refs = exprRefs(expr, scope, { ...ctx, aliases });
    const name =
      typeof expr.alias === 'string' && expr.alias !== ''
        ? expr.alias
        : expr.class === 'COLUMN_REF' && Array.isArray(expr.column_names)
          ? String(expr.column_names.at(-1))
          : `#${i + 1}`;
    aliases.set(name.toLowerCase(), refs);
    cols.push({ name, refs });
  });
  return known(cols);
}

/** Adds the relations of a FROM clause to `scope`. */
function addTable(ref: unknown, scope: Scope, ctx: Ctx): void {
  if (!isNode(ref)) return;
  const name = (fallback: string) => (typeof ref.alias === 'string' && ref.alias !== '' ? ref.alias : fallback).toLowerCase();
  switch (ref.type) {
    case 'EMPTY':
      return;
    case 'JOIN':
      addTable(ref.left, scope, ctx);
      addTable(ref.right, scope, ctx);
      return;
    case 'BASE_TABLE': {
      const table = String(ref.table_name);
      const cte = ctx.ctes.get(table.toLowerCase());
      const rel = cte ?? inputRelation(table, ctx.inputs);
      scope.rels.set(name(table), renamed(rel, ref.column_name_alias));
      return;
    }
    case 'SUBQUERY': {
      const query = isNode(ref.subquery) ? ref.subquery.node : undefined;
      const rel = isNode(query) ? queryNode(query, ctx, scope) : unknown(allInputs(ctx.inputs));
      scope.rels.set(name(`#subquery${scope.rels.size}`), renamed(rel, ref.column_name_alias));
      return;
    }
    case 'TABLE_FUNCTION': {
      // unnest(…), range(…), read_parquet(…): its columns are unknown, its values come from its arguments.
      const fn = isNode(ref.function) ? ref.function : undefined;
      scope.rels.set(
        name(typeof fn?.function_name === 'string' ? fn.function_name : `#function${scope.rels.size}`),
        unknown(exprRefs(ref.function, scope, ctx)),
      );
      return;
    }
    default: {
      // PIVOT, VALUES and anything newer: every column of whatever it reads.
      const inner: Scope = { rels: new Map(), outer: scope };
      addTable(ref.source, inner, ctx);
      const refs = inner.rels.size > 0 ? union(...[...inner.rels.values()].map((r) => r.all)) : exprRefs(ref, scope, ctx);
      scope.rels.set(name(`#table${scope.rels.size}`), unknown(refs.size > 0 || ref.type === 'EXPRESSION_LIST' ? refs : allInputs(ctx.inputs)));
    }
  }
}

function inputRelation(table: string, inputs: InputColumns): Relation {
  const key = [...inputs.keys()].find((k) => k.toLowerCase() === table.toLowerCase());
  if (key === undefined) return known([]); // not an input (pond_partition, a system table): holds no input data
  const columns = inputs.get(key);
  if (columns === null || columns === undefined) return { cols: null, open: key, all: new Set([ref(key, '*')]) };
  return known(columns.map((c) => ({ name: c, refs: new Set([ref(key, c)]) })));
}

/** The output columns of `*` or `rel.*`, with EXCLUDE and REPLACE. */
function star(expr: Node, scope: Scope, ctx: Ctx): Array<{ name: string; refs: Refs }> {
  const relName = typeof expr.relation_name === 'string' && expr.relation_name !== '' ? expr.relation_name.toLowerCase() : undefined;
  const rels = relName === undefined ? [...scope.rels.values()] : [scope.rels.get(relName) ?? unknown(allInputs(ctx.inputs))];
  const excluded = new Set(
    namesOf(expr.exclude_list)
      .concat(namesOf(expr.qualified_exclude_list))
      .map((n) => n.toLowerCase()),
  );
  const replaced = new Map<string, Refs>();
  for (const r of Array.isArray(expr.replace_list) ? (expr.replace_list as Node[]) : []) {
    const target = typeof r.name === 'string' ? r.name : isNode(r.key) ? String(r.key.name ?? '') : String(r.key ?? '');
    replaced.set(target.toLowerCase(), exprRefs(r.expression ?? r.value ?? r.expr, scope, ctx));
  }
  const out: Array<{ name: string; refs: Refs }> = [];
  for (const rel of rels) {
    if (rel.cols === null) {
      out.push({ name: '*', refs: rel.all });
      continue;
    }
    for (const c of rel.cols) {
      const key = c.name.toLowerCase();
      if (excluded.has(key)) continue;
      out.push({ name: c.name, refs: replaced.get(key) ?? c.refs });
    }
  }
  return out;
}

function exprRefs(expr: unknown, scope: Scope, ctx: Ctx): Refs {
  if (Array.isArray(expr)) return union(...expr.map((e) => exprRefs(e, scope, ctx)));
  if (!isNode(expr)) return new Set();
  switch (expr.class) {
    case 'COLUMN_REF':
      return column(Array.isArray(expr.column_names) ? expr.column_names.map(String) : [], scope, ctx);
    case 'STAR':
      return union(...star(expr, scope, ctx).map((c) => c.refs));
    case 'FUNCTION':
    case 'AGGREGATE':
      if (COUNTING.has(String(expr.function_name).toLowerCase())) return new Set();
      break;
    case 'WINDOW':
      if (RANKING.has(String(expr.function_name).toLowerCase())) return new Set();
      break;
    case 'SUBQUERY': {
      const query = isNode(expr.subquery) ? expr.subquery.node : undefined;
      const rel = isNode(query) ? queryNode(query, ctx, scope) : unknown(allInputs(ctx.inputs));
      return union(rel.all, exprRefs(expr.child, scope, ctx));
    }
    case 'LAMBDA': {
      // The parameters stand for elements of the list argument, whose sources the function already counts.
      const params = new Set(ctx.params);
      collectNames(expr.lhs, params);
      return exprRefs(expr.expr, scope, { ...ctx, params });
    }
  }
  const out: Refs = new Set();
  for (const [key, value] of Object.entries(expr)) {
    if (key === 'alias' || key === 'class' || key === 'type' || key === 'query_location') continue;
    if (typeof value === 'object' && value !== null) for (const r of exprRefs(value, scope, ctx)) out.add(r);
  }
  return out;
}

/** The sources of a column reference `col`, `rel.col` or `col.field…`, searched from the innermost scope out. */
function column(names: readonly string[], scope: Scope, ctx: Ctx): Refs {
  const [first, second] = names.map((n) => n.toLowerCase());
  if (first === undefined || ctx.params.has(first)) return new Set();
  for (let s: Scope | undefined = scope; s; s = s.outer) {
    const rel = second === undefined ? undefined : s.rels.get(first);
    if (rel && second !== undefined) return inRelation(rel, second) ?? rel.all;
    const found = [...s.rels.values()].map((r) => (r.cols === null ? undefined : inRelation(r, first))).find((r) => r !== undefined);
    if (found) return found;
    const open = [...s.rels.values()].filter((r) => r.cols === null);
    if (open.length > 0) return union(...open.map((r) => (r.open ? new Set([ref(r.open, names[0] as string)]) : r.all)));
  }
  const alias = ctx.aliases.get(first);
  if (alias) return alias;
  // Unresolved: every column of every relation in scope.
  const all: Refs = new Set();
  for (let s: Scope | undefined = scope; s; s = s.outer) for (const r of s.rels.values()) for (const x of r.all) all.add(x);
  return all.size > 0 ? all : allInputs(ctx.inputs);
}

function inRelation(rel: Relation, name: string): Refs | undefined {
  if (rel.cols === null) return rel.open ? new Set([ref(rel.open, name)]) : rel.all;
  return rel.cols.find((c) => c.name.toLowerCase() === name)?.refs;
}

function renamed(rel: Relation, aliases: unknown): Relation {
  const names = Array.isArray(aliases) ? aliases.filter((a): a is string => typeof a === 'string') : [];
  if (names.length === 0 || rel.cols === null) return rel;
  return known(rel.cols.map((c, i) => ({ name: names[i] ?? c.name, refs: c.refs })));
}

function known(cols: ReadonlyArray<{ name: string; refs: Refs }>): Relation {
  return { cols, open: undefined, all: union(...cols.map((c) => c.refs)) };
}

function unknown(all: Refs): Relation {
  return { cols: null, open: undefined, all };
}

function allInputs(inputs: InputColumns): Refs {
  return new Set([...inputs].flatMap(([input, cols]) => (cols === null ? [ref(input, '*')] : cols.map((c) => ref(input, c)))));
}

function collectNames(expr: unknown, into: Set<string>): void {
  if (Array.isArray(expr)) expr.forEach((e) => collectNames(e, into));
  else if (isNode(expr)) {
    if (expr.class === 'COLUMN_REF' && Array.isArray(expr.column_names)) into.add(String(expr.column_names[0]).toLowerCase());
    else Object.values(expr).forEach((v) => collectNames(v, into));
  }
}

function namesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((x) =>
      typeof x === 'string'
        ? x
        : isNode(x) && Array.isArray(x.column_names)
          ? String(x.column_names.at(-1))
          : isNode(x) && typeof x.name === 'string'
            ? x.name
            : '',
    )
    .filter((n) => n !== '');
}

function ref(input: string, column: string): string {
  return `${input}${SEP}${column}`;
}

function toSources(refs: Refs): ColumnSource[] {
  return [...refs].sort().map((r) => {
    const [input, column] = r.split(SEP) as [string, string];
    return { input, column };
  });
}

function union(...sets: ReadonlyArray<ReadonlySet<string>>): Refs {
  const out: Refs = new Set();
  for (const s of sets) for (const x of s) out.add(x);
  return out;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
