/**
 * The structural check underneath every compatibility mode (compatibility.ts):
 * the question "does every instance valid under the
 * writer's schema validate under the reader's?" — {@link isSuperset}. It is
 * answered structurally, keyword by keyword, not by a general containment
 * solver: when the checker cannot prove a change safe it reports it (a false
 * alarm is cheap, a broken consumer is not).
 *
 * Content models: an object schema is *open* when `additionalProperties` is
 * absent or `true`, *partially open* when it is a schema, and *closed* when it
 * is `false` (or `unevaluatedProperties: false`). Adding a constrained property
 * to an open model is therefore not backward compatible (old data may carry
 * that name with any value), while adding one to a closed model is; removing
 * one is the mirror image.
 *
 * Kinds name the change as if the writer's schema had been edited into the
 * reader's. Under FORWARD the reader is the *older* schema, so a property the
 * new version removed shows up as `PROPERTY_ADDED_…`; messages name both sides
 * ("version 2 allows …, but the new schema …") so they read right either way.
 *
 * `path` is a JSON Pointer into the schema as navigated through `properties`,
 * `items`, `additionalProperties` and union branches (`#/properties/items/items/properties/sku`);
 * `$ref`s are followed transparently, so the path names where the value sits,
 * not where its definition lives. `property` is the instance path in the
 * notation users write (`items[].sku`, `attributes.*`), absent at the top level.
 */

type Schema = Record<string, unknown> | boolean;
type SchemaObject = Record<string, unknown>;

type Bounded = 'MIN_LENGTH' | 'MAX_LENGTH' | 'MINIMUM' | 'MAXIMUM' | 'MIN_ITEMS' | 'MAX_ITEMS' | 'MIN_PROPERTIES' | 'MAX_PROPERTIES';
export type DifferenceKind =
  | 'TYPE_NARROWED'
  | 'TYPE_CHANGED'
  | 'ENUM_ADDED'
  | 'ENUM_NARROWED'
  | 'CONST_ADDED'
  | 'CONST_CHANGED'
  | `${Bounded}_ADDED`
  | `${'MIN_LENGTH' | 'MINIMUM' | 'MIN_ITEMS' | 'MIN_PROPERTIES'}_INCREASED`
  | `${'MAX_LENGTH' | 'MAXIMUM' | 'MAX_ITEMS' | 'MAX_PROPERTIES'}_DECREASED`
  | 'MULTIPLE_OF_ADDED'
  | 'MULTIPLE_OF_CHANGED'
  | 'PATTERN_ADDED'
  | 'PATTERN_CHANGED'
  | 'FORMAT_ADDED'
  | 'FORMAT_CHANGED'
  | 'UNIQUE_ITEMS_ADDED'
  | 'REQUIRED_PROPERTY_ADDED'
  | 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'
  | 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
  | 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'
  | 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
  | 'ADDITIONAL_PROPERTIES_NARROWED'
  | 'COMBINED_TYPE_CHANGED'
  /** A keyword this checker does not reason about (`not`, `if`, `patternProperties`, …) differs. */
  | 'KEYWORD_CHANGED'
  /** A `$ref` that is not a local JSON Pointer (`#/$defs/…`, `#/definitions/…`). */
  | 'REF_UNRESOLVED';

export interface SchemaDifference {
  readonly path: string;
  readonly property?: string;
  readonly kind: DifferenceKind;
  /** One sentence that starts with the property, e.g. `property "amount": version 1 allows number, but the new schema accepts only integer (type narrowed)`. */
  readonly message: string;
}

/** How messages name the two sides; {@link checkCompatibility} uses "the new schema" and "version N". */
export interface SideLabels {
  readonly reader: string;
  readonly writer: string;
}

/**
 * Differences that let an instance valid under `writer` fail under `reader`;
 * empty when the reader accepts everything the writer does (as far as a
 * structural comparison can tell).
 *
 * @example
 * isSuperset({ type: 'number' }, { type: 'integer' }) // []
 * isSuperset({ type: 'integer' }, { type: 'number' })[0]?.kind // 'TYPE_NARROWED'
 */
export function isSuperset(
  reader: Schema,
  writer: Schema,
  path = '#',
  labels: SideLabels = { reader: 'the reader schema', writer: 'the writer schema' },
): SchemaDifference[] {
  const ctx: Context = { readerRoot: reader, writerRoot: writer, labels, out: [], seen: new Set() };
  compare(ctx, reader, writer, path, undefined);
  return ctx.out;
}

interface Context {
  readonly readerRoot: Schema;
  readonly writerRoot: Schema;
  readonly labels: SideLabels;
  readonly out: SchemaDifference[];
  /** Pairs of `$ref`s already being compared: recursive schemas are assumed compatible on revisit. */
  readonly seen: Set<string>;
}

const UNION_KEYWORDS = ['oneOf', 'anyOf'] as const;
// Keywords whose effect this checker does not model: any change to them is reported, never silently passed.
const OPAQUE_KEYWORDS = [
  'not',
  'if',
  'then',
  'else',
  'patternProperties',
  'propertyNames',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'contains',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
];

function compare(ctx: Context, readerIn: Schema, writerIn: Schema, path: string, property: string | undefined): void {
  const { reader: R, writer: W } = ctx.labels;
  const report = (kind: DifferenceKind, message: string): void => {
    ctx.out.push({ path, ...(property === undefined ? {} : { property }), kind, message: `${subjectOf(property)}: ${message}` });
  };
  const refKey = `${refOf(readerIn) ?? ''}|${refOf(writerIn) ?? ''}`;
  if (refKey !== '|') {
    if (ctx.seen.has(refKey)) return;
    ctx.seen.add(refKey);
  }
  const reader = resolve(readerIn, ctx.readerRoot, (ref) =>
    report('REF_UNRESOLVED', `cannot resolve $ref "${ref}" in ${R}: only local references (#/$defs/…, #/definitions/…) are checked`),
  );
  const writer = resolve(writerIn, ctx.writerRoot, (ref) =>
    report('REF_UNRESOLVED', `cannot resolve $ref "${ref}" in ${W}: only local references (#/$defs/…, #/definitions/…) are checked`),
  );
  try {
    if (reader === undefined || writer === undefined || reader === true || writer === false) return;
    if (reader === false) return report('TYPE_NARROWED', `${W} allows a value here, but ${R} accepts none (false schema)`);
    const w = writer === true ? {} : flattenAllOf(writer, ctx.writerRoot);

    // reader = base ∧ allOf ∧ union: the writer must fit each part.
    if (Array.isArray(reader.allOf)) {
      const { allOf, ...rest } = reader;
      for (const branch of allOf as Schema[]) compare(ctx, branch, w, path, property);
      return compare(ctx, rest, w, path, property);
    }
    const readerUnion = unionOf(reader);
    const writerUnion = unionOf(w);
    if (readerUnion || writerUnion) return compareUnions(ctx, reader, w, path, property);

    for (const keyword of OPAQUE_KEYWORDS) {
      if (keyword in reader && !deepEqual(reader[keyword], w[keyword]))
        report('KEYWORD_CHANGED', `"${keyword}" differs between ${W} and ${R}; this checker does not compare it, so any change counts as incompatible`);
    }
    compareTypes(reader, w, report, ctx.labels);
    compareValues(reader, w, report, ctx.labels);
    const can = (t: string): boolean => {
      const ts = typesOf(w);
      return ts === undefined || ts.has(t) || (t === 'number' && ts.has('integer'));
    };
    if (can('string')) compareString(reader, w, report, ctx.labels);
    if (can('number')) compareNumber(reader, w, report, ctx.labels);
    if (can('array')) {
      compareBound('MIN_ITEMS', 'minItems', 'lower', reader, w, report, ctx.labels);
      compareBound('MAX_ITEMS', 'maxItems', 'upper', reader, w, report, ctx.labels);
      if (reader.uniqueItems === true && w.uniqueItems !== true) report('UNIQUE_ITEMS_ADDED', `${R} requires unique items, but ${W} does not`);
      if (isSchema(reader.items)) compare(ctx, reader.items, isSchema(w.items) ? w.items : true, `${path}/items`, `${property ?? ''}[]`);
      else if (Array.isArray(reader.items) && !deepEqual(reader.items, w.items))
        report('KEYWORD_CHANGED', `tuple "items" differs between ${W} and ${R}; any change counts as incompatible`);
    }
    if (can('object')) compareObject(ctx, reader, w, path, property, report);
  } finally {
    if (refKey !== '|') ctx.seen.delete(refKey);
  }
}

type Report = (kind: DifferenceKind, message: string) => void;

/** Each writer branch (or the writer itself) must fit some reader branch, and the reader's own keywords. */
function compareUnions(ctx: Context, reader: SchemaObject, writer: SchemaObject, path: string, property: string | undefined): void {
  const { reader: R, writer: W } = ctx.labels;
  const readerBase = withoutUnions(reader);
  const writerBase = withoutUnions(writer);
  const writerUnion = unionOf(writer);
  const writerBranches = writerUnion ? writerUnion.branches.map((b) => flattenAllOf({ allOf: [writerBase, b] }, ctx.writerRoot)) : [writer];
  const readerUnion = unionOf(reader);
  writerBranches.forEach((branch, i) => {
    const branchPath = writerUnion ? `${path}/${writerUnion.keyword}/${i}` : path;
    if (Object.keys(readerBase).length > 0) compare(ctx, readerBase, branch, branchPath, property);
    if (!readerUnion) return;
    if (!readerUnion.branches.some((r) => fits(ctx, r, branch))) {
      const what = writerUnion ? `branch ${i} of ${W}'s ${writerUnion.keyword}` : `${W}'s schema`;
      const message = `${subjectOf(property)}: ${what} is not covered by any branch of ${R}'s ${readerUnion.keyword}`;
      ctx.out.push({ path: branchPath, ...(property === undefined ? {} : { property }), kind: 'COMBINED_TYPE_CHANGED', message });
    }
  });
}

/** Whether `reader` accepts everything `writer` does, resolving `$ref`s against the schemas being compared. */
function fits(ctx: Context, reader: Schema, writer: Schema): boolean {
  const probe: Context = { ...ctx, out: [], seen: new Set(ctx.seen) };
  compare(probe, reader, writer, '#', undefined);
  return probe.out.length === 0;
}

function compareTypes(reader: SchemaObject, writer: SchemaObject, report: Report, { reader: R, writer: W }: SideLabels): void {
  const readerTypes = declaredTypes(reader);
  if (readerTypes === undefined) return;
  const writerTypes = typesOf(writer) ?? new Set(['null', 'boolean', 'object', 'array', 'number', 'string']);
  const accepted = (t: string): boolean => readerTypes.has(t) || (t === 'integer' && readerTypes.has('number'));
  const lost = [...writerTypes].filter((t) => !accepted(t));
  if (lost.length === 0) return;
  const overlaps = [...writerTypes].some((t) => accepted(t) || (t === 'number' && readerTypes.has('integer')));
  report(
    overlaps ? 'TYPE_NARROWED' : 'TYPE_CHANGED',
    `${W} allows ${[...writerTypes].join(' | ')}, but ${R} accepts only ${[...readerTypes].join(' | ')} (type ${overlaps ? 'narrowed' : 'changed'})`,
  );
}

function compareValues(reader: SchemaObject, writer: SchemaObject, report: Report, { reader: R, writer: W }: SideLabels): void {
  const readerValues = valuesOf(reader);
  if (readerValues === undefined) return;
  const writerValues = valuesOf(writer);
  const show = (vs: readonly unknown[]): string => vs.map((v) => JSON.stringify(v)).join(', ');
  if ('const' in reader && 'const' in writer) {
    if (!deepEqual(reader.const, writer.const)) report('CONST_CHANGED', `${W} has const ${show([writer.const])}, but ${R} requires ${show([reader.const])}`);
    return;
  }
  if (writerValues === undefined) {
    report('const' in reader ? 'CONST_ADDED' : 'ENUM_ADDED', `${R} accepts only ${show(readerValues)}, but ${W} allows any value`);
    return;
  }
  const removed = writerValues.filter((v) => !readerValues.some((r) => deepEqual(r, v)));
  if (removed.length > 0) report('ENUM_NARROWED', `${W} allows ${show(removed)}, but ${R} does not (enum narrowed)`);
}

function compareString(reader: SchemaObject, writer: SchemaObject, report: Report, labels: SideLabels): void {
  const { reader: R, writer: W } = labels;
  compareBound('MIN_LENGTH', 'minLength', 'lower', reader, writer, report, labels);
  compareBound('MAX_LENGTH', 'maxLength', 'upper', reader, writer, report, labels);
  for (const [keyword, added, changed] of [
    ['pattern', 'PATTERN_ADDED', 'PATTERN_CHANGED'],
    ['format', 'FORMAT_ADDED', 'FORMAT_CHANGED'],
  ] as const) {
    const r = reader[keyword];
    if (typeof r !== 'string' || r === writer[keyword]) continue;
    if (writer[keyword] === undefined) report(added, `${R} adds ${keyword} ${JSON.stringify(r)}, which ${W} does not have`);
    else report(changed, `${keyword} changed from ${JSON.stringify(writer[keyword])} in ${W} to ${JSON.stringify(r)} in ${R}`);
  }
}

function compareNumber(reader: SchemaObject, writer: SchemaObject, report: Report, labels: SideLabels): void {
  const { reader: R, writer: W } = labels;
  for (const side of ['lower', 'upper'] as const) {
    const r = numericBound(reader, side);
    if (r === undefined) continue;
    const w = numericBound(writer, side);
    const kind = side === 'lower' ? (w === undefined ? 'MINIMUM_ADDED' : 'MINIMUM_INCREASED') : w === undefined ? 'MAXIMUM_ADDED' : 'MAXIMUM_DECREASED';
    const tighter = w === undefined || (side === 'lower' ? r.value > w.value : r.value < w.value) || (r.value === w.value && r.exclusive && !w.exclusive);
    if (tighter)
      report(
        kind,
        `${R} requires ${describeBound(side, r)}, but ${W} ${w === undefined ? `has no ${side === 'lower' ? 'minimum' : 'maximum'}` : `allows ${describeBound(side, w)}`}`,
      );
  }
  const r = reader.multipleOf;
  if (typeof r !== 'number') return;
  const w = writer.multipleOf;
  if (typeof w !== 'number') return report('MULTIPLE_OF_ADDED', `${R} requires multipleOf ${r}, which ${W} does not have`);
  const ratio = w / r;
  if (Math.abs(ratio - Math.round(ratio)) > 1e-9) report('MULTIPLE_OF_CHANGED', `${R} requires multipleOf ${r}, which does not divide ${W}'s multipleOf ${w}`);
}

function compareObject(ctx: Context, reader: SchemaObject, writer: SchemaObject, path: string, property: string | undefined, report: Report): void {
  const { reader: R, writer: W } = ctx.labels;
  compareBound('MIN_PROPERTIES', 'minProperties', 'lower', reader, writer, report, ctx.labels);
  compareBound('MAX_PROPERTIES', 'maxProperties', 'upper', reader, writer, report, ctx.labels);
  const readerProps = objectOf(reader.properties);
  const writerProps = objectOf(writer.properties);
  const readerRest = additionalOf(reader);
  const writerRest = additionalOf(writer);
  const at = (name: string): [string, string] => [`${path}/properties/${pointerEscape(name)}`, property === undefined ? name : `${property}.${name}`];
  const push = (name: string, kind: DifferenceKind, message: string): void => {
    const [p, prop] = at(name);
    ctx.out.push({ path: p, property: prop, kind, message: `${subjectOf(prop)}: ${message}` });
  };

  for (const name of new Set([...Object.keys(readerProps), ...Object.keys(writerProps)])) {
    const r = readerProps[name];
    const w = writerProps[name];
    if (r !== undefined && w !== undefined) compare(ctx, r, w, ...at(name));
    else if (w !== undefined) {
      // The writer may send `name`; the reader only has its additionalProperties for it.
      if (readerRest === false)
        push(
          name,
          'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
          `${W} allows "${name}", but ${R} does not define it and its content model is closed (additionalProperties: false)`,
        );
      else if (readerRest !== true && !fits(ctx, readerRest, w)) {
        push(
          name,
          'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          `${W} defines "${name}", but ${R} does not, and its additionalProperties schema does not accept every value ${W} allows there`,
        );
      }
    } else if (r !== undefined && writerRest !== false) {
      // The writer does not define `name` but may still send it, with whatever its additionalProperties allow.
      if (fits(ctx, r, writerRest)) continue;
      if (writerRest === true)
        push(
          name,
          'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
          `${R} constrains "${name}", but ${W} does not define it and its content model is open, so its data may carry any value there`,
        );
      else
        push(
          name,
          'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          `${R} constrains "${name}", but ${W} does not define it and its additionalProperties schema allows values ${R} rejects`,
        );
    }
  }

  const writerRequired = new Set(stringsOf(writer.required));
  for (const name of stringsOf(reader.required)) {
    if (writerRequired.has(name)) continue;
    // Confluent lets a newly required property through when it has a default: readers fill it in.
    const r = readerProps[name];
    if (typeof r === 'object' && 'default' in r) continue;
    push(name, 'REQUIRED_PROPERTY_ADDED', `${R} requires "${name}", but ${W} does not (give it a default, or keep it optional)`);
  }

  if (writerRest === false || readerRest === true) return;
  if (readerRest === false) {
    report('ADDITIONAL_PROPERTIES_NARROWED', `${W} allows additional properties, but ${R} is closed (additionalProperties: false)`);
  } else if (writerRest === true) {
    if (!fits(ctx, readerRest, true))
      report('ADDITIONAL_PROPERTIES_NARROWED', `${W} allows additional properties of any value, but ${R} restricts them with an additionalProperties schema`);
  } else {
    compare(ctx, readerRest, writerRest, `${path}/additionalProperties`, `${property === undefined ? '' : `${property}.`}*`);
  }
}

function compareBound(
  kind: Bounded,
  keyword: string,
  side: 'lower' | 'upper',
  reader: SchemaObject,
  writer: SchemaObject,
  report: Report,
  { reader: R, writer: W }: SideLabels,
): void {
  const r = reader[keyword];
  if (typeof r !== 'number') return;
  const w = writer[keyword];
  if (typeof w !== 'number') return report(`${kind}_ADDED`, `${R} adds ${keyword} ${r}, which ${W} does not have`);
  if (side === 'lower' && r > w) report(`${kind}_INCREASED` as DifferenceKind, `${keyword} increased from ${w} in ${W} to ${r} in ${R}`);
  if (side === 'upper' && r < w) report(`${kind}_DECREASED` as DifferenceKind, `${keyword} decreased from ${w} in ${W} to ${r} in ${R}`);
}

interface NumericBound {
  readonly value: number;
  readonly exclusive: boolean;
}

/** The tighter of `minimum`/`exclusiveMinimum` (numbers, or draft-04's boolean flag), likewise for the maximum. */
function numericBound(schema: SchemaObject, side: 'lower' | 'upper'): NumericBound | undefined {
  const inclusive = schema[side === 'lower' ? 'minimum' : 'maximum'];
  const exclusive = schema[side === 'lower' ? 'exclusiveMinimum' : 'exclusiveMaximum'];
  const candidates: NumericBound[] = [];
  if (typeof inclusive === 'number') candidates.push({ value: inclusive, exclusive: exclusive === true });
  if (typeof exclusive === 'number') candidates.push({ value: exclusive, exclusive: true });
  const tighter = (a: NumericBound, b: NumericBound): NumericBound =>
    a.value === b.value ? (a.exclusive ? a : b) : (side === 'lower') === a.value > b.value ? a : b;
  return candidates.reduce<NumericBound | undefined>((best, c) => (best === undefined ? c : tighter(best, c)), undefined);
}

function describeBound(side: 'lower' | 'upper', b: NumericBound): string {
  return `${side === 'lower' ? (b.exclusive ? 'exclusiveMinimum' : 'minimum') : b.exclusive ? 'exclusiveMaximum' : 'maximum'} ${b.value}`;
}

function subjectOf(property: string | undefined): string {
  return property === undefined ? 'the top-level schema' : `property "${property}"`;
}

function refOf(schema: Schema): string | undefined {
  return typeof schema === 'object' && typeof schema.$ref === 'string' ? schema.$ref : undefined;
}

/** Follows local `$ref`s (siblings of `$ref` are kept, as 2019-09+ allows); undefined when one cannot be resolved. */
function resolve(schema: Schema, root: Schema, unresolved: (ref: string) => void): Schema | undefined {
  let current = schema;
  for (let hops = 0; typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
    const { $ref: _ref, ...siblings } = current;
    const ref = current.$ref as string;
    const target = hops < 32 && ref.startsWith('#') ? pointer(root, ref.slice(1)) : undefined;
    if (target === undefined) {
      unresolved(ref);
      return undefined;
    }
    current = Object.keys(siblings).length === 0 ? target : target === true ? siblings : target === false ? false : { ...target, ...siblings };
  }
  return current;
}

function pointer(root: Schema, p: string): Schema | undefined {
  let node: unknown = root;
  for (const raw of p.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = typeof node === 'object' && node !== null ? (node as SchemaObject)[key] : undefined;
  }
  return isSchema(node) ? node : undefined;
}

function pointerEscape(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Folds a writer's `allOf` into one schema. Where branches disagree the first
 * wins, which only drops constraints: the result accepts at least what the
 * writer did, so checking against it can raise false alarms but never miss one.
 */
function flattenAllOf(schema: SchemaObject, root: Schema): SchemaObject {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...base } = schema;
  const out: SchemaObject = { ...base };
  for (const raw of allOf as unknown[]) {
    const branch = isSchema(raw) ? resolve(raw, root, () => undefined) : undefined;
    if (!isObject(branch)) continue;
    const b = flattenAllOf(branch, root);
    for (const [key, value] of Object.entries(b)) {
      if (key === 'properties') out.properties = { ...objectOf(value), ...objectOf(out.properties) };
      else if (key === 'required') out.required = [...new Set([...stringsOf(out.required), ...stringsOf(value)])];
      else if (!(key in out)) out[key] = value;
    }
  }
  return out;
}

function unionOf(schema: SchemaObject): { keyword: string; branches: Schema[] } | undefined {
  for (const keyword of UNION_KEYWORDS) if (Array.isArray(schema[keyword])) return { keyword, branches: (schema[keyword] as unknown[]).filter(isSchema) };
  return undefined;
}

function withoutUnions(schema: SchemaObject): SchemaObject {
  const { oneOf: _oneOf, anyOf: _anyOf, ...rest } = schema;
  return rest;
}

/** `additionalProperties` as true (open), false (closed) or a schema (partially open). */
function additionalOf(schema: SchemaObject): Schema {
  const ap = schema.additionalProperties;
  if (ap === false || (ap === undefined && schema.unevaluatedProperties === false)) return false;
  return isSchema(ap) ? ap : true;
}

function declaredTypes(schema: SchemaObject): Set<string> | undefined {
  const t = schema.type;
  if (typeof t === 'string') return new Set([t]);
  return Array.isArray(t) ? new Set(t.filter((x): x is string => typeof x === 'string')) : undefined;
}

/** The types a schema's instances can have: declared, or implied by `const`/`enum`; undefined = any. */
function typesOf(schema: SchemaObject): Set<string> | undefined {
  const values = valuesOf(schema);
  if (values === undefined) return declaredTypes(schema);
  return new Set(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v)));
}

function valuesOf(schema: SchemaObject): readonly unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function objectOf(value: unknown): Record<string, Schema> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => isSchema(v))) as Record<string, Schema>;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'boolean' || isObject(value);
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as SchemaObject)[k], (b as SchemaObject)[k]));
}
