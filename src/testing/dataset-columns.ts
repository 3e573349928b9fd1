/**
 * The columns a dataset's versions have, worked out without data: declared
 * (`columns` of a TypeScript transformation), or what DuckDB says its SQL
 * returns over empty inputs of the right types, inputs' inputs included.
 * Fixture rows for a dataset input are typed with these, so a test feeds a
 * transformation the same types a real build would.
 */
import type { DatasetModel, Project } from '../config/index.ts';
import type { Column } from '../model/index.ts';
import type { Engine } from '../compute/index.ts';
import { createInputViews, type InputBinding } from '../transform/index.ts';

const known = new WeakMap<DatasetModel, Promise<readonly Column[] | undefined>>();

/** The dataset's columns, or undefined when only a build can tell (a TypeScript transformation without `columns`). */
export function datasetColumns(engine: Engine, project: Project, model: DatasetModel): Promise<readonly Column[] | undefined> {
  let columns = known.get(model);
  if (!columns) {
    columns = work(engine, project, model);
    known.set(model, columns);
  }
  return columns;
}

async function work(engine: Engine, project: Project, model: DatasetModel): Promise<readonly Column[] | undefined> {
  if (model.columns) return Object.entries(model.columns).map(([name, type]) => ({ name, type }));
  if (model.sql === undefined) return undefined;
  const bindings: InputBinding[] = [];
  for (const input of model.inputs) {
    const stream = project.streams.get(input.source);
    const upstream = project.datasets.get(input.source);
    const streamColumns = stream && (model.decrypt.includes(input.alias) ? stream.clearColumns : stream.columns);
    const columns = streamColumns ?? (upstream ? await datasetColumns(engine, project, upstream) : undefined);
    if (columns === undefined) return undefined;
    bindings.push({ alias: input.alias, files: [], columns });
  }
  const session = await engine.acquire();
  try {
    await createInputViews(session, bindings, { key: 'all', start: null, end: null });
    return await session.describe(model.sql.trim().replace(/;+\s*$/, ''));
  } catch {
    // SQL that does not bind here fails the real run too, with the error a test should show.
    return undefined;
  } finally {
    await engine.release(session);
  }
}
