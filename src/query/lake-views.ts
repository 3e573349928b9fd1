/**
 * Makes the lake queryable: every stream and dataset becomes a view over
 * exactly the files of its current versions (resolved once, never globbed),
 * and `dead_letters` gathers every stream's rejected events.
 */
import type { Project } from '../config/index.ts';
import type { Lake } from '../lake/index.ts';
import { DEAD_LETTER_COLUMNS } from '../land/index.ts';
import { quoteIdent, type SqlSession } from '../compute/index.ts';
import { ALL_WINDOWS, type Column } from '../model/index.ts';
import type { VersionStore, SubjectKeyStore } from '../state/index.ts';
import { forgottenDeadLetters, forgottenRowsOf, forgottenSubjects } from '../privacy/index.ts';
import { forgottenTable, inputQuery, type ForgottenRows } from '../transform/index.ts';

/** Creates the views; returns the datasets that have no version yet (their views have no columns). */
export async function createLakeViews(
  session: Pick<SqlSession, 'run' | 'rows'>,
  project: Project,
  state: VersionStore & SubjectKeyStore,
  lake: Lake,
): Promise<string[]> {
  const unbuilt: string[] = [];
  const filesOf = async (dataset: string) => {
    const versions = await state.currentVersions(dataset, ALL_WINDOWS.from, ALL_WINDOWS.to);
    return { files: versions.flatMap((v) => v.files.map((f) => lake.locate(f.path))), schema: versions[versions.length - 1]?.schema ?? [] };
  };
  // Forgotten subjects' rows stay in the raw files; no view shows them (privacy/forgotten/).
  const pseudonyms = await forgottenSubjects(state);
  const table = pseudonyms.length > 0 ? await forgottenTable(session, pseudonyms) : undefined;
  const fromTable = (rows: ForgottenRows | undefined) => rows && { ...rows, table };
  for (const stream of project.streams.values()) {
    const { files } = await filesOf(stream.name);
    await view(session, stream.name, files, stream.columns, fromTable(forgottenRowsOf(stream, pseudonyms)));
  }
  for (const dataset of project.datasets.values()) {
    const { files, schema } = await filesOf(dataset.name);
    const declared: Column[] = Object.entries(dataset.columns ?? {}).map(([name, type]) => ({ name, type }));
    if (schema.length === 0 && declared.length === 0) unbuilt.push(dataset.name);
    await view(session, dataset.name, files, schema.length > 0 ? schema : declared);
  }
  const deadFiles: string[] = [];
  for (const stream of project.streams.values()) deadFiles.push(...(await filesOf(stream.deadLetter)).files);
  await view(session, 'dead_letters', deadFiles, DEAD_LETTER_COLUMNS, fromTable(forgottenDeadLetters(project.privacy.forgotten, pseudonyms)));
  return unbuilt;
}

async function view(
  session: Pick<SqlSession, 'run'>,
  name: string,
  files: readonly string[],
  columns: readonly Column[],
  forgotten?: ForgottenRows,
): Promise<void> {
  await session.run(`create or replace temp view ${quoteIdent(name)} as ${inputQuery({ files, columns, forgotten })}`);
}
