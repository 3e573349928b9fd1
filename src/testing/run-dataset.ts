/**
 * `runDataset`: one dataset's real transformation — its SQL in DuckDB, or its
 * TypeScript function — run for one partition on fixture rows, returning the
 * rows it produced. The same code path as a build (`runTransform` over
 * Parquet inputs), with no lake and no state store, so a test takes
 * milliseconds.
 */
import { rm } from 'node:fs/promises';
import type { DatasetModel } from '../config/index.ts';
import type { DatasetDefinition, InputSpec, Row } from '../define/index.ts';
import { ALL_KEY, describePartitioning, parseInstant, parsePartitionKey, partitionKey, windowBounds } from '../partition/index.ts';
import { PondError } from '../errors/index.ts';
import { quoteIdent, sqlString, type Engine } from '../compute/index.ts';
import type { Column } from '../model/index.ts';
import { runTransform, type InputBinding, type PartitionWindow } from '../transform/index.ts';
import { datasetColumns } from './dataset-columns.ts';
import { writeDatasetFixture, writeStreamFixture } from './fixture-input.ts';
import { projectOf } from './project-of.ts';
import { scratchPath, testEngine } from './test-engine.ts';

/**
 * The rows of one input: an array, or `{ rows, columns }` to give the
 * columns' DuckDB types yourself (for an input whose types Pond cannot work
 * out: a TypeScript dataset without `columns`).
 */
export type FixtureRows = readonly Row[] | { readonly rows: readonly Row[]; readonly columns?: Readonly<Record<string, string>> };

export interface RunDatasetOptions<Inputs extends string = string> {
  /** Rows of each input, by the name the dataset gives the input; an input left out is empty. */
  readonly inputs?: Partial<Readonly<Record<Inputs, FixtureRows>>>;
  /**
   * The partition to build: its key (`'2026-11-23T19:00Z/PT1H'`), or a time
   * inside its window (`'2026-11-23T19:30Z'`, a Date). Leave it out for an
   * unpartitioned dataset.
   */
  readonly partition?: string | Date;
  /** Output columns to sort the rows by; otherwise they come in the transformation's order. */
  readonly orderBy?: string | readonly string[];
  /** The project folder, when the dataset's file does not sit inside it. */
  readonly project?: string;
  /** Receives what a TypeScript transformation logs. */
  readonly log?: (message: string) => void;
}

/**
 * Runs a dataset's transformation on fixture rows and returns its output rows.
 *
 * Each input holds exactly the rows given (a build would give it the rows of
 * the mapped partitions), typed with the input's real columns: a stream's
 * from its JSON Schema, with `_event_time` (from the event-time field),
 * `_received_at` (the event time), `_message_id` (`<input>-<n>`), `_source`
 * (`test`) and `_raw` filled in unless a row sets them; a dataset's as its
 * builds write them. A field the input does not have is an error; a column a
 * row leaves out is null.
 *
 * Output rows hold what a TypeScript transformation would read: TIMESTAMP,
 * TIMESTAMPTZ and DATE as `Date`, DECIMAL and DOUBLE as numbers, BIGINT as a
 * number (a `bigint` past 2^53), STRUCT as objects, LIST as arrays, JSON as
 * text.
 *
 * @example
 * import { runDataset } from 'pond/testing';
 * import { cleanPurchases } from '../pipelines/sales.ts';
 *
 * const rows = await runDataset(cleanPurchases, {
 *   partition: '2026-11-23T19:00Z/PT1H',
 *   inputs: {
 *     user_events: [
 *       { event_type: 'button_pressed', button: 'one-click purchase', user_id: 'u1', time_utc: '2026-11-23T19:05:00Z',
 *         purchased_items: [{ sku: 'A', unit_price: 2.5, quantity: 1 }] },
 *     ],
 *   },
 * });
 * // [{ purchase_id: 'user_events-1', user_id: 'u1', time_utc: 2026-11-23T19:05:00.000Z, … }]
 */
export async function runDataset<I extends Record<string, InputSpec>>(
  dataset: DatasetDefinition<I>,
  options: RunDatasetOptions<keyof I & string> = {},
): Promise<Row[]> {
  if (typeof dataset !== 'object' || dataset === null || dataset.kind !== 'dataset') {
    throw new PondError('BAD_ARGUMENT', 'runDataset takes a dataset: what dataset({ … }) returned, imported from its pipeline file');
  }
  const label = `runDataset(${dataset.name})`;
  // DuckDB starts while the project loads: the first run of a test file pays for one, not both.
  const engineReady = testEngine();
  engineReady.catch(() => undefined);
  const project = await projectOf(dataset.definedIn, options.project);
  const model = project.datasets.get(dataset.name);
  if (!model) {
    throw new PondError('NOT_FOUND', `${label}: the project in ${project.dir} has no dataset "${dataset.name}"`, {
      hint: "export it from a file in the project's pipeline folders",
    });
  }
  const window = windowOf(model, options.partition, label);
  const given = (options.inputs ?? {}) as Readonly<Record<string, FixtureRows | undefined>>;
  for (const alias of Object.keys(given)) {
    if (!model.inputs.some((i) => i.alias === alias)) {
      throw new PondError('BAD_ARGUMENT', `${label}: "${alias}" is not an input of dataset "${model.name}"`, {
        hint: `its inputs are ${model.inputs.map((i) => i.alias).join(', ')}`,
      });
    }
  }

  const engine = await engineReady;
  const files: string[] = [];
  const file = (name: string) => {
    const path = scratchPath(name);
    files.push(path);
    return path;
  };
  try {
    const bindings: InputBinding[] = [];
    const session = await engine.acquire();
    try {
      for (const input of model.inputs) {
        const spec = given[input.alias];
        const fixture = {
          label: `${label} input "${input.alias}"`,
          alias: input.alias,
          rows: rowsOf(spec, `${label} input "${input.alias}"`),
          path: file(`${input.alias}.parquet`),
        };
        const explicit =
          spec !== undefined && !isRows(spec) && spec.columns ? Object.entries(spec.columns).map(([name, type]): Column => ({ name, type })) : undefined;
        const stream = project.streams.get(input.source);
        const upstream = project.datasets.get(input.source);
        // Fixture rows are clear: an input the dataset decrypts has its clear types, as in a build.
        if (stream && !explicit)
          bindings.push(await writeStreamFixture(session, model.decrypt.includes(input.alias) ? { ...stream, columns: stream.clearColumns } : stream, fixture));
        else {
          const columns = explicit ?? (upstream ? await datasetColumns(engine, project, upstream) : undefined);
          bindings.push(
            await writeDatasetFixture(session, columns, explicit ? `the columns given for "${input.alias}"` : `dataset "${input.source}"`, fixture),
          );
        }
      }
    } finally {
      await engine.release(session);
    }

    const output = file(`${model.name}.parquet`);
    try {
      await runTransform(engine, {
        dataset: model.name,
        file: model.file,
        window,
        inputs: bindings,
        sql: model.sql,
        transform: model.transform,
        columns: model.columns,
        outputPath: output,
        scratchPath: file(`${model.name}-rows`),
        log: options.log ?? (() => undefined),
      });
    } catch (error) {
      if (!(error instanceof PondError) || error.where === undefined) throw error;
      // Tests print the message first: put where it failed into it.
      throw new PondError(error.code, `${error.where}: ${error.message}`, { cause: error.cause, hint: error.hint, retryable: error.retryable });
    }
    return await readOutput(engine, output, options.orderBy, label);
  } finally {
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }
}

async function readOutput(engine: Engine, output: string, orderBy: string | readonly string[] | undefined, label: string): Promise<Row[]> {
  const order = orderBy === undefined ? [] : typeof orderBy === 'string' ? [orderBy] : orderBy;
  const session = await engine.acquire();
  try {
    const query = `select * from read_parquet(${sqlString(output)}, hive_partitioning = false)`;
    if (order.length === 0) return await session.rows(query);
    try {
      return await session.rows(`${query} order by ${order.map((c) => quoteIdent(c)).join(', ')}`);
    } catch (error) {
      const columns = (await session.describe(query)).map((c) => c.name);
      throw new PondError('BAD_ARGUMENT', `${label}: cannot order the output by ${order.join(', ')}: ${(error as Error).message.split('\n')[0]}`, {
        hint: `the output has the columns ${columns.join(', ')}`,
      });
    }
  } finally {
    await engine.release(session);
  }
}

/** The window of the partition a test asks for: a key of the dataset's grain, or the window holding a time. */
function windowOf(model: DatasetModel, partition: string | Date | undefined, label: string): PartitionWindow {
  const p = model.partitioning;
  if (p.kind === 'none') {
    if (partition !== undefined && partition !== ALL_KEY) {
      throw new PondError('BAD_ARGUMENT', `${label}: dataset "${model.name}" is unpartitioned, so it has no partition ${String(partition)}`, {
        hint: 'leave partition out',
      });
    }
    return { key: ALL_KEY, start: null, end: null };
  }
  const example = partitionKey(p, p.grain.index(Date.UTC(2026, 10, 23, 19)));
  if (partition === undefined) {
    throw new PondError('BAD_ARGUMENT', `${label}: dataset "${model.name}" is partitioned by ${describePartitioning(p)}: say which partition to build`, {
      hint: `give partition: a key such as '${example}', or a time inside the window (an ISO string or a Date)`,
    });
  }
  let index = typeof partition === 'string' ? parsePartitionKey(p, partition) : undefined;
  if (index === undefined) {
    const ms = partition instanceof Date ? partition.getTime() : parseInstant(partition);
    if (ms === undefined || Number.isNaN(ms)) {
      throw new PondError('BAD_ARGUMENT', `${label}: partition ${JSON.stringify(partition)} is neither a ${describePartitioning(p)} partition key nor a time`, {
        hint: `give a key such as '${example}', or a time inside the window such as '2026-11-23T19:30Z'`,
      });
    }
    index = p.grain.index(ms);
  }
  const bounds = windowBounds(p, index);
  return { key: partitionKey(p, index), start: bounds.start, end: bounds.end };
}

function isRows(spec: FixtureRows): spec is readonly Row[] {
  return Array.isArray(spec);
}

function rowsOf(spec: FixtureRows | undefined, label: string): readonly Row[] {
  if (spec === undefined) return [];
  if (isRows(spec)) return spec;
  if (typeof spec === 'object' && spec !== null && Array.isArray(spec.rows)) return spec.rows;
  throw new PondError('BAD_ARGUMENT', `${label} is neither an array of rows nor { rows, columns }`, {
    hint: 'give inputs: { name: [{ column: value, … }, …] }',
  });
}
