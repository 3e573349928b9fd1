/**
 * What a table sink (PostgreSQL, SQLite) does to its table before it
 * publishes: the columns the table must have for a version, and which of
 * them it lacks (a grown schema adds columns; columns a newer version dropped
 * stay, NULL in its rows).
 */
import { PondError } from '../errors/index.ts';
import type { Column } from '../model/index.ts';
import { PARTITION_COLUMN, sinkColumn, VERSION_COLUMN, type SinkColumn } from './sink-columns.ts';

export function tableColumns(columns: readonly Column[], dialect: 'postgres' | 'sqlite', where: string): SinkColumn[] {
  for (const c of columns) {
    if (c.name === PARTITION_COLUMN || c.name === VERSION_COLUMN) {
      throw new PondError('INVALID_PROJECT', `column "${c.name}" is reserved by table sinks (they add it to every row)`, {
        where,
        hint: 'rename the column in the dataset',
      });
    }
  }
  return columns.map((c) => sinkColumn(c, dialect));
}

/** The data columns `existing` (lower-cased names of the table's columns) lacks. */
export function missingColumns(columns: readonly SinkColumn[], existing: ReadonlySet<string>): SinkColumn[] {
  return columns.filter((c) => !existing.has(c.name.toLowerCase()));
}

/** Batches `rows` into arrays of exactly `size` (the last may be shorter). */
export async function* rebatch<T>(batches: AsyncIterable<T[]>, size: number): AsyncIterable<T[]> {
  let pending: T[] = [];
  for await (const batch of batches) {
    for (const row of batch) {
      pending.push(row);
      if (pending.length >= size) {
        yield pending;
        pending = [];
      }
    }
  }
  if (pending.length > 0) yield pending;
}
