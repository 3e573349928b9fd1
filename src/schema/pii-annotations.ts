/**
 * Reads the `"x-pond-pii"` annotations of a stream's JSON Schema: which
 * top-level properties identify the data subject and which are personal data
 * about them. An annotation anywhere inside a property (a field of an object,
 * the items of an array) makes that whole top-level column personal, since the
 * column holds it. Branches (`oneOf`, `anyOf`, `allOf`) count like the root.
 */

/** The keyword, registered with Ajv so that strict schemas accept it. */
export const PII_KEYWORD = 'x-pond-pii';
export const PII_CLASSES = ['identifier', 'personal'] as const;
export type PiiClass = (typeof PII_CLASSES)[number];

export interface PiiAnnotation {
  /** The top-level property (the column) it classifies. */
  readonly column: string;
  /** Where the annotation sits, such as `properties.context.properties.email`. */
  readonly path: string;
  /** The annotated value; only `identifier` and `personal` are valid. */
  readonly value: unknown;
  /** True when it sits inside the property rather than on it. */
  readonly nested: boolean;
}

type Schema = Record<string, unknown>;

/**
 * @example
 * piiAnnotations({ properties: { user_id: { type: 'string', 'x-pond-pii': 'identifier' } } })
 * // [{ column: 'user_id', path: 'properties.user_id', value: 'identifier', nested: false }]
 */
export function piiAnnotations(schema: Schema): PiiAnnotation[] {
  const out: PiiAnnotation[] = [];
  const visitRoot = (node: Schema, at: string) => {
    const props = node.properties;
    if (isObject(props)) {
      for (const [column, sub] of Object.entries(props)) {
        if (!isObject(sub)) continue;
        const path = `${at}properties.${column}`;
        if (PII_KEYWORD in sub) out.push({ column, path, value: sub[PII_KEYWORD], nested: false });
        visitInside(sub, path, (inner, value) => out.push({ column, path: inner, value, nested: true }));
      }
    }
    for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
      const list = node[keyword];
      if (Array.isArray(list)) list.forEach((s, i) => isObject(s) && visitRoot(s, `${at}${keyword}[${i}].`));
    }
  };
  visitRoot(schema, '');
  return out;
}

/** Every annotation below `node` (not on it). */
function visitInside(node: Schema, at: string, found: (path: string, value: unknown) => void): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === PII_KEYWORD) continue;
    const children: Array<[string, unknown]> = isObject(value)
      ? key === 'properties'
        ? Object.entries(value).map(([k, v]) => [`${key}.${k}`, v])
        : [[key, value]]
      : Array.isArray(value)
        ? value.map((v, i) => [`${key}[${i}]`, v])
        : [];
    for (const [name, child] of children) {
      if (!isObject(child)) continue;
      const path = `${at}.${name}`;
      if (PII_KEYWORD in child) found(path, child[PII_KEYWORD]);
      visitInside(child, path, found);
    }
  }
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
