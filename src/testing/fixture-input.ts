/**
 * One input of a test run: fixture rows written to a Parquet file typed with
 * the input's real columns. A stream's rows take the path landed events take
 * (the schema's typed columns picked out of the event by DuckDB, then
 * `_event_time`, `_message_id` … and the event as text in `_raw`); a
 * dataset's rows are cast to the dataset's columns.
 */
import { rm, writeFile } from 'node:fs/promises';
import type { StreamModel } from '../config/index.ts';
import type { Row } from '../define/index.ts';
import { PondError } from '../errors/index.ts';
import { rawRow, rawRowShape } from '../land/index.ts';
import type { Column } from '../model/index.ts';
import { copyQueryToParquet, sqlString, writeRowsToParquet, type SqlSession } from '../compute/index.ts';
import type { InputBinding } from '../transform/index.ts';

export interface Fixture {
  /** Who is asking, for messages: `runDataset(purchase_items) input "users"`. */
  readonly label: string;
  readonly alias: string;
  readonly rows: readonly Row[];
  /** Where the Parquet file goes. */
  readonly path: string;
}

/** Meta columns a fixture row may set; the others (`_ua`, `_raw`) are made from these and the event. */
const SETTABLE_META = new Set(['_event_time', '_received_at', '_message_id', '_source', '_ip', '_user_agent']);

export async function writeStreamFixture(session: SqlSession, stream: StreamModel, fixture: Fixture): Promise<InputBinding> {
  if (fixture.rows.length === 0) return { alias: fixture.alias, files: [], columns: stream.columns };
  const fields = new Set(stream.columns.filter((c) => !c.name.startsWith('_')).map((c) => c.name));
  const timeField = stream.timeField.join('.');
  let text = '';
  fixture.rows.forEach((row, i) => {
    const where = `${fixture.label} row ${i + 1}`;
    assertObject(row, where);
    const event: Row = {};
    for (const [name, value] of Object.entries(row)) {
      if (fields.has(name)) event[name] = value;
      else if (!SETTABLE_META.has(name))
        unknownField(
          where,
          name,
          `stream "${stream.name}"`,
          [...fields, ...SETTABLE_META],
          name === '_ua' || name === '_raw' ? `${name} is made from the row's other fields` : undefined,
        );
    }
    const eventTime = row._event_time !== undefined ? instant(row._event_time, `${where} field _event_time`) : readTime(event, stream.timeField);
    if (eventTime === undefined) {
      throw new PondError('BAD_ARGUMENT', `${where} has no event time: ${timeField} is missing or not a time`, {
        hint: `give ${timeField} (an ISO 8601 string or a Date) or _event_time; a stream never hands a transformation an event without one (it goes to the dead letters)`,
      });
    }
    const raw = JSON.stringify(event, (_k, v: unknown) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v));
    const line = rawRow({
      raw,
      eventTime,
      receivedAt: row._received_at !== undefined ? instant(row._received_at, `${where} field _received_at`) : eventTime,
      messageId: nonEmpty(row._message_id) ?? nonEmpty(event.messageId) ?? `${fixture.alias}-${i + 1}`,
      source: nonEmpty(row._source) ?? 'test',
      ip: nonEmpty(row._ip) ?? null,
      userAgent: nonEmpty(row._user_agent) ?? null,
    }).line;
    text += `${line}\n`;
  });
  const shape = rawRowShape(stream.columns);
  const jsonPath = `${fixture.path}.ndjson`;
  await writeFile(jsonPath, text);
  try {
    const spec = shape.jsonColumns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
    await copyQueryToParquet(
      session,
      `select ${shape.select} from read_json(${sqlString(jsonPath)}, format = 'newline_delimited', columns = {${spec}})`,
      fixture.path,
    );
  } catch (error) {
    throw doesNotFit(fixture, `stream "${stream.name}"`, error);
  } finally {
    await rm(jsonPath, { force: true });
  }
  return { alias: fixture.alias, files: [fixture.path], columns: stream.columns };
}

/**
 * @param columns the dataset's columns, or undefined to infer types from the rows
 * @param owner what the columns belong to, for messages: `dataset "purchase_items"`
 */
export async function writeDatasetFixture(session: SqlSession, columns: readonly Column[] | undefined, owner: string, fixture: Fixture): Promise<InputBinding> {
  const names = columns && new Set(columns.map((c) => c.name));
  fixture.rows.forEach((row, i) => {
    const where = `${fixture.label} row ${i + 1}`;
    assertObject(row, where);
    if (names) for (const name of Object.keys(row)) if (!names.has(name)) unknownField(where, name, owner, [...names]);
  });
  if (fixture.rows.length === 0) return { alias: fixture.alias, files: [], columns: columns ?? [] };
  try {
    const written = await writeRowsToParquet(session, [fixture.rows as Row[]], columns, fixture.path, fixture.path);
    return { alias: fixture.alias, files: [fixture.path], columns: written.schema };
  } catch (error) {
    throw doesNotFit(fixture, owner, error);
  }
}

function assertObject(row: unknown, where: string): asserts row is Row {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new PondError('BAD_ARGUMENT', `${where} is not an object (got ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row})`, {
      hint: 'give each row as { column: value, … }',
    });
  }
}

function unknownField(where: string, name: string, owner: string, known: readonly string[], why?: string): never {
  throw new PondError('BAD_ARGUMENT', `${where} has an unknown field "${name}"${why ? ` (${why})` : ''}`, {
    hint: `${owner} has the columns ${known.join(', ')}`,
  });
}

function doesNotFit(fixture: Fixture, owner: string, error: unknown): PondError {
  const message = ((error as Error).message ?? String(error)).split('\n')[0];
  return new PondError('BAD_ARGUMENT', `${fixture.label}: the rows do not fit the columns of ${owner}: ${message}`, { cause: error });
}

/** Event time as landing reads it: ms since the epoch, or a string `Date.parse` takes; a Date here too. */
function readTime(event: Row, path: readonly string[]): number | undefined {
  let current: unknown = event;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Row)[part];
  }
  if (current instanceof Date) return Number.isNaN(current.getTime()) ? undefined : current.getTime();
  if (typeof current === 'number' && Number.isFinite(current)) return current;
  if (typeof current !== 'string') return undefined;
  const ms = Date.parse(current);
  return Number.isNaN(ms) ? undefined : ms;
}

function instant(value: unknown, where: string): number {
  const ms = readTime({ value }, ['value']);
  if (ms === undefined)
    throw new PondError('BAD_ARGUMENT', `${where} is not a time: ${JSON.stringify(value)}`, { hint: 'give an ISO 8601 string, a Date or ms since the epoch' });
  return ms;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
