/**
 * Kysely queries compiled once into fixed SQL for the hot path. The hot path
 * must not build a Kysely AST per call (that cost more than running the
 * statement), yet its SQL must be the Kysely store's, not a copy: so each
 * statement is built once by the same builder the Kysely store calls, with
 * stand-ins (`slot`) for the values, and compiled. The compiled parameters
 * then tell where each argument goes; values the builder fixed ('ok', null)
 * stay as they were compiled.
 */
import type Sqlite from 'better-sqlite3';
import type { Compilable } from 'kysely';
import type { StatementCache } from './statement-cache.ts';

/** Stands for `args[name]`, or `args[name][index]` for one element of a list. */
class Slot {
  constructor(
    readonly name: string,
    readonly index: number | undefined,
  ) {}
}

/** A stand-in for the argument `name` (element `index` of it, for a list), typed as what the builder expects. */
export function slot<T>(name: string, index?: number): T {
  return new Slot(name, index) as unknown as T;
}

/** Stand-ins for a list argument of `n` elements. */
export function slotList<T>(name: string, n: number): T[] {
  return Array.from({ length: n }, (_, i) => slot<T>(name, i));
}

/** A row of stand-ins, one per column of `row`: the arguments are then such a row itself. */
export function slotRow<R extends object>(row: R): R {
  return Object.fromEntries(Object.keys(row).map((k) => [k, slot(k)])) as R;
}

export type Args = Readonly<Record<string, unknown>>;

/** One compiled statement: its SQL, run on a cached better-sqlite3 statement with arguments by name. */
export class CompiledStatement {
  readonly sql: string;
  private readonly slots: (Slot | undefined)[];
  private readonly fixed: unknown[];

  constructor(
    private readonly cache: StatementCache,
    query: Compilable,
  ) {
    const compiled = query.compile();
    this.sql = compiled.sql;
    this.slots = compiled.parameters.map((p) => (p instanceof Slot ? p : undefined));
    this.fixed = compiled.parameters.map((p) => (p instanceof Slot ? undefined : p));
  }

  /** The parameters in the statement's order. */
  bind(args: Args): unknown[] {
    const values = this.fixed.slice();
    for (let i = 0; i < values.length; i++) {
      const s = this.slots[i];
      if (s === undefined) continue;
      const arg = args[s.name];
      const value = s.index === undefined ? arg : (arg as readonly unknown[] | undefined)?.[s.index];
      // better-sqlite3 would bind undefined as NULL without a word; a missing argument is a bug here.
      if (value === undefined) throw new Error(`the hot path statement ${this.sql} has no value for ${s.name}${s.index === undefined ? '' : `[${s.index}]`}`);
      values[i] = value;
    }
    return values;
  }

  private stmt(): Sqlite.Statement {
    return this.cache.prepare(this.sql);
  }

  run(args: Args): Sqlite.RunResult {
    return this.stmt().run(...this.bind(args));
  }

  /** The first row, or undefined. */
  get<T>(args: Args): T | undefined {
    return this.stmt()
      .pluck(false)
      .get(...this.bind(args)) as T | undefined;
  }

  /** The first column of the first row, or undefined. */
  value<T>(args: Args): T | undefined {
    return this.stmt()
      .pluck(true)
      .get(...this.bind(args)) as T | undefined;
  }

  all<T>(args: Args): T[] {
    return this.stmt()
      .pluck(false)
      .all(...this.bind(args)) as T[];
  }
}

/** Compiled statements by a key that names their shape; each is compiled the first time it is asked for. */
export class CompiledStatements {
  private readonly compiled = new Map<string, CompiledStatement>();

  constructor(readonly cache: StatementCache) {}

  get(key: string, build: () => Compilable): CompiledStatement {
    let statement = this.compiled.get(key);
    if (!statement) {
      statement = new CompiledStatement(this.cache, build());
      this.compiled.set(key, statement);
    }
    return statement;
  }
}
