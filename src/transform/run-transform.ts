/**
 * Runs one dataset's transformation for one partition into a staging Parquet
 * file: SQL in DuckDB, or a TypeScript function fed with batches of rows.
 * Errors name the dataset, the partition and the pipeline file.
 */
import type { InputReader, TransformFunction } from '../define/index.ts';
import { PondError } from '../errors/index.ts';
import { copyQueryToParquet, quoteIdent, writeRowsToParquet, type Engine, type RowOptions, type SqlSession } from '../compute/index.ts';
import { createInputViews, inputQuery } from './input-views.ts';
import type { BuildOutput, Column, InputBinding, PartitionWindow, Row } from './types.ts';

export interface TransformJob {
  readonly dataset: string;
  /** Project-relative pipeline file, for error messages. */
  readonly file: string;
  readonly window: PartitionWindow;
  readonly inputs: readonly InputBinding[];
  readonly sql?: string;
  readonly transform?: TransformFunction;
  readonly columns?: Readonly<Record<string, string>>;
  /** Where to write the Parquet output. */
  readonly outputPath: string;
  /** A scratch path prefix for intermediate files. */
  readonly scratchPath: string;
  readonly log: (message: string) => void;
  readonly signal?: AbortSignal;
}

export async function runTransform(engine: Engine, job: TransformJob): Promise<BuildOutput> {
  const session = await engine.acquire();
  // An interrupt reaches only the statement running at that moment; one that lands between two
  // statements (or just before the query starts) would be lost, so it is repeated until the build ends.
  let repeat: NodeJS.Timeout | undefined;
  const interrupt = () => {
    session.interrupt();
    repeat ??= setInterval(() => session.interrupt(), 200);
  };
  if (job.signal?.aborted) interrupt();
  else job.signal?.addEventListener('abort', interrupt, { once: true });
  try {
    if (job.signal?.aborted) throw new PondError('CANCELLED', 'the build was cancelled');
    await createInputViews(session, job.inputs, job.window);
    if (job.signal?.aborted) throw new PondError('CANCELLED', 'the build was cancelled');
    if (job.sql !== undefined) return await runSql(session, job, job.sql);
    if (job.transform) return await runTs(session, job, job.transform);
    throw new PondError('INTERNAL', `dataset "${job.dataset}" has no transformation`);
  } catch (error) {
    if (job.signal?.aborted) throw new PondError('CANCELLED', 'the build was cancelled', { cause: error });
    throw error;
  } finally {
    clearInterval(repeat);
    job.signal?.removeEventListener('abort', interrupt);
    await engine.release(session);
  }
}

async function runSql(session: SqlSession, job: TransformJob, sql: string): Promise<BuildOutput> {
  const query = sql.trim().replace(/;+\s*$/, '');
  try {
    return await copyQueryToParquet(session, query, job.outputPath);
  } catch (error) {
    throw new PondError('TRANSFORM_FAILED', `SQL failed: ${(error as Error).message}`, {
      where: `${job.file}: dataset "${job.dataset}" partition ${job.window.key}`,
      hint: 'fix the SQL; `pond query` over the same inputs helps to try it out',
      cause: error,
    });
  }
}

async function runTs(session: SqlSession, job: TransformJob, transform: TransformFunction): Promise<BuildOutput> {
  const readers: Record<string, InputReader> = {};
  for (const input of job.inputs) readers[input.alias] = reader(session, input, job);
  const ctx = {
    partition: {
      key: job.window.key,
      start: job.window.start === null ? null : new Date(job.window.start),
      end: job.window.end === null ? null : new Date(job.window.end),
    },
    inputs: readers,
    log: job.log,
  };
  const columns: Column[] | undefined = job.columns ? Object.entries(job.columns).map(([name, type]) => ({ name, type })) : undefined;
  try {
    return await writeRowsToParquet(session, batched(transform(ctx), job.signal), columns, job.scratchPath, job.outputPath);
  } catch (error) {
    if (error instanceof PondError) throw error;
    // By name, not instanceof: the project may load its own copy of the authoring API.
    const retryable = (error as Error | undefined)?.name === 'RetryableError';
    throw new PondError('TRANSFORM_FAILED', `transform threw: ${(error as Error).message}`, {
      where: `${job.file}: dataset "${job.dataset}" partition ${job.window.key}`,
      retryable,
      cause: error,
    });
  }
}

/**
 * Reads an input's rows. A read of a column the rows do not have (`r.spentt`
 * for `r.spent`) fails the build, naming it, rather than reading undefined
 * and writing NULLs; `'column' in row` tests for a column that may be absent.
 */
function reader(session: SqlSession, input: InputBinding, job: TransformJob): InputReader {
  const query = `select * from ${quoteIdent(input.alias)}`;
  const strict: RowOptions = {
    onMissingColumn: (column, columns) => {
      throw new PondError('TRANSFORM_FAILED', `reads column "${column}", which input "${input.alias}" does not have`, {
        where: `${job.file}: dataset "${job.dataset}" partition ${job.window.key}`,
        hint: `its columns: ${columns.join(', ')}; test a column that may be absent with \`'${column}' in row\``,
      });
    },
  };
  return {
    async *batches(size = 10_000) {
      let pending: Row[] = [];
      for await (const batch of session.batches(query, strict)) {
        pending.push(...batch);
        if (pending.length >= size) {
          yield pending;
          pending = [];
        }
      }
      if (pending.length > 0) yield pending;
    },
    all: () => session.rows(query, strict),
  };
}

/**
 * Turns what a transform yields (rows or arrays of rows) into batches. A
 * cancel ends it at once, even while the transform awaits something that
 * ignores the signal (a long sleep, a slow fetch): the pending step is left
 * to settle on its own, its outcome ignored.
 */
async function* batched(source: AsyncIterable<Row | Row[]> | Iterable<Row | Row[]>, signal?: AbortSignal): AsyncIterable<Row[]> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<Row | Row[]>)[Symbol.iterator]();
  let pending: Row[] = [];
  for (;;) {
    const step = await untilAborted(Promise.resolve(iterator.next()), signal);
    if (step.done) break;
    const item = step.value;
    if (Array.isArray(item)) {
      yield item;
    } else {
      pending.push(item);
      if (pending.length >= 10_000) {
        yield pending;
        pending = [];
      }
    }
  }
  if (pending.length > 0) yield pending;
}

/** `step`, or CANCELLED as soon as `signal` aborts; a step left behind may reject later without harm. */
function untilAborted<T>(step: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  const cancelled = () => new PondError('CANCELLED', 'the build was cancelled');
  if (!signal) return step;
  if (signal.aborted) {
    step.catch(() => undefined);
    return Promise.reject(cancelled());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      step.catch(() => undefined);
      reject(cancelled());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    step.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export { inputQuery };
