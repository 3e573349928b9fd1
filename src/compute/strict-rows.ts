/**
 * Rows that refuse to read a column they do not have. A TypeScript
 * transformation sees rows as `Record<string, unknown>`, so `r.spentt` for
 * `r.spent` typechecks, reads `undefined`, and a build would write NULLs.
 * These rows throw instead, naming the column.
 *
 * It costs nothing on the columns a row has: they are its own properties,
 * read as fast as any object's. Only a read that misses them reaches the
 * prototype, a Proxy whose `get` says what is wrong. The rows of one shape
 * are made by a class compiled for it, whose fields are defined (not
 * assigned, so the Proxy is never asked while a row is made): making them is
 * as fast as making plain objects, often faster.
 */
import type { Row } from '../define/index.ts';

/** Names a library may probe on any object (thenables, JSON, test matchers, React, the DOM): reading them is not a column read. */
const PROBES = new Set(['then', 'toJSON', 'asymmetricMatch', '$$typeof', 'nodeType']);

/**
 * A maker of rows with these columns; a read of any other name calls
 * `missing(name, columns)`, which throws.
 *
 * @example
 * const make = strictRows(['user_id', 'amount'], (name) => { throw new Error(`no column ${name}`) });
 * const row = make(['u1', 4]);
 * row.amount  // 4
 * row.amountt // throws "no column amountt"
 */
export function strictRows(columns: readonly string[], missing: (column: string, columns: readonly string[]) => never): (values: readonly unknown[]) => Row {
  const base: object = Object.prototype;
  const guard = new Proxy(Object.create(base) as object, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target || PROBES.has(key)) return Reflect.get(target, key, receiver) as unknown;
      return missing(key, columns);
    },
  });
  // A field cannot be named "constructor": such a shape gets plain rows with the guard set after.
  if (columns.includes('constructor')) {
    return (values) => {
      const row: Row = {};
      for (let i = 0; i < columns.length; i++) row[columns[i] as string] = values[i];
      return Object.setPrototypeOf(row, guard) as Row;
    };
  }
  const fields = columns.map((name, i) => `${JSON.stringify(name)} = values[${i}];`).join(' ');
  const make = new Function('guard', `let values; class Row { ${fields} } return [Row, (v) => { values = v; return new Row(); }];`) as (
    guard: object,
  ) => [{ prototype: object }, (values: readonly unknown[]) => Row];
  const [RowClass, construct] = make(guard);
  Object.setPrototypeOf(RowClass.prototype, guard);
  // Shown and compared as a plain object (Node's inspect tells objects apart by their constructor's name).
  Object.defineProperty(RowClass.prototype, 'constructor', { value: Object, enumerable: false });
  return construct;
}
