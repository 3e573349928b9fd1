/**
 * Validates what a project declares about personal data: the `"x-pond-pii"`
 * annotations of stream schemas, merged with a stream's `pii` option, and a
 * dataset's `pii` overrides. Errors name the schema file or the definition
 * and the field, and say what to write instead.
 */
import type { DatasetPiiOptions, PiiOptions } from '../define/index.ts';
import { PII_CLASSES, PII_KEYWORD, piiAnnotations, type PiiClass } from '../schema/index.ts';
import type { DatasetPii, StreamPii } from './project.ts';

type Fail = (where: string, message: string, hint?: string) => never;

export interface StreamPiiScope {
  /** `pipelines/x.ts: stream "events"`. */
  readonly owner: string;
  readonly schemaFile: string;
  readonly schema: Record<string, unknown>;
  /** Its top-level columns, from the schema. */
  readonly columns: readonly string[];
  readonly fail: Fail;
}

/**
 * @example
 * resolveStreamPii({ identifiers: ['user_id'] }, scope) // { identifiers: ['user_id'], personal: [] }
 */
export function resolveStreamPii(options: PiiOptions | undefined, scope: StreamPiiScope): StreamPii {
  const { fail } = scope;
  const classes = new Map<string, { cls: PiiClass; where: string }>();
  const put = (column: string, cls: PiiClass, where: string) => {
    const seen = classes.get(column);
    if (seen && seen.cls !== cls) {
      fail(
        where,
        `"${column}" is declared both identifier and personal (also at ${seen.where})`,
        'a field is one or the other: identifier if it identifies the data subject, personal otherwise',
      );
    }
    // Nested annotations only ever make a column personal; an identifier on the column itself wins.
    if (!seen || cls === 'identifier') classes.set(column, { cls, where });
  };
  for (const a of piiAnnotations(scope.schema)) {
    const where = `${scope.schemaFile}: ${a.path} field ${PII_KEYWORD}`;
    if (!(PII_CLASSES as readonly unknown[]).includes(a.value))
      fail(where, `unknown value ${JSON.stringify(a.value)}`, `use "identifier" (it identifies the data subject) or "personal" (data about the subject)`);
    if (!scope.columns.includes(a.column)) fail(where, `"${a.column}" is not a column of the stream`, 'annotate a property that does not start with _');
    if (a.nested) {
      if (classes.get(a.column)?.cls !== 'identifier') classes.set(a.column, { cls: 'personal', where });
    } else put(a.column, a.value as PiiClass, where);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null))
    fail(`${scope.owner} field pii`, 'must be { identifiers?: string[], personal?: string[] }');
  for (const cls of PII_CLASSES) {
    const field = cls === 'identifier' ? 'identifiers' : 'personal';
    for (const [i, column] of listOf(options?.[field], `${scope.owner} field pii.${field}`, fail).entries()) {
      const where = `${scope.owner} field pii.${field}[${i}]`;
      if (!scope.columns.includes(column))
        fail(where, `"${column}" is not a property of ${scope.schemaFile}`, `name a top-level property: ${scope.columns.join(', ') || '(none)'}`);
      put(column, cls, where);
    }
  }
  const identifiers = [...classes].filter(([, c]) => c.cls === 'identifier').map(([name]) => name);
  const personal = [...classes].filter(([, c]) => c.cls === 'personal').map(([name]) => name);
  if (personal.length > 0 && identifiers.length === 0) {
    const first = classes.get(personal[0] as string)?.where ?? `${scope.owner} field pii`;
    fail(
      first,
      `personal data (${personal.join(', ')}) without an identifier: there is no data subject to attach it to`,
      `mark the field that identifies the subject: "${PII_KEYWORD}": "identifier" on it in ${scope.schemaFile} (for example user_id), or pii: { identifiers: ['user_id'] } in the stream`,
    );
  }
  return { identifiers, personal };
}

/**
 * A dataset's `pii` overrides; `columns` are its declared output columns,
 * when known at load time (TypeScript datasets with `columns`).
 */
export function resolveDatasetPii(
  options: DatasetPiiOptions | undefined,
  owner: string,
  columns: readonly string[] | undefined,
  fail: Fail,
): DatasetPii | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) fail(`${owner} field pii`, 'must be { identifiers?: string[], personal?: string[], none?: string[] }');
  const seen = new Map<string, string>();
  const lists = { identifiers: [] as string[], personal: [] as string[], none: [] as string[] };
  for (const field of ['identifiers', 'personal', 'none'] as const) {
    for (const [i, column] of listOf(options[field], `${owner} field pii.${field}`, fail).entries()) {
      const where = `${owner} field pii.${field}[${i}]`;
      const earlier = seen.get(column);
      if (earlier !== undefined && earlier !== field)
        fail(where, `"${column}" is also in pii.${earlier}`, 'give each column one class: identifiers, personal or none');
      if (columns && !columns.includes(column)) fail(where, `"${column}" is not an output column`, `declared columns: ${columns.join(', ')}`);
      seen.set(column, field);
      lists[field].push(column);
    }
  }
  return lists;
}

function listOf(value: unknown, where: string, fail: Fail): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== ''))
    return fail(where, `must be a list of column names, got ${JSON.stringify(value)}`);
  return value as string[];
}
