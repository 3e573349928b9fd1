/**
 * `pond schema`: the schema registry. `diff [STREAM…]` compares each stream's
 * schema file with its registered versions (or, with `--base REF`, with the
 * file at a git ref) and says, change by change, whether the stream's
 * compatibility mode allows it; exit 1 when one is not allowed. `versions
 * STREAM` lists the registered versions, `show STREAM [VERSION]` prints one.
 * None of them registers anything: commands that write to the lake do that.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadProject, type Project, type StreamModel } from '../../config/index.ts';
import { PondError } from '../../errors/index.ts';
import {
  compareProjectSchemas,
  describeMode,
  gitSchemaHistory,
  registryHistory,
  schemaFingerprint,
  type SchemaHistory,
  type StreamSchemaReport,
} from '../../schema/index.ts';
import { openStateStore, type StateStore } from '../../state/index.ts';
import { projectDir, type GlobalOptions } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

export interface SchemaDiffOptions extends GlobalOptions {
  /** A git ref to compare against instead of the registry. */
  base?: string;
}

/** A state store to read the registry from, without creating a database that is not there. */
export interface RegistryState {
  readonly state: StateStore;
  /** For output: `the registry in .pond/state.db`. */
  readonly source: string;
  /** False when there is no state database yet (a fresh clone): the store is an empty one in memory. */
  readonly exists: boolean;
}

/**
 * Opens the project's state store for reading. A SQLite file that does not
 * exist is not created (`pond check` in a fresh CI clone must leave no
 * trace): an empty in-memory store stands in for it.
 */
export async function openRegistryState(project: Project): Promise<RegistryState> {
  if (project.stateUrl !== undefined) {
    return {
      state: await openStateStore({ url: project.stateUrl, sqlitePath: project.sqlitePath }),
      source: 'the registry in the PostgreSQL state store',
      exists: true,
    };
  }
  const source = `the registry in ${path.relative(project.dir, project.sqlitePath) || project.sqlitePath}`;
  if (existsSync(project.sqlitePath)) return { state: await openStateStore({ sqlitePath: project.sqlitePath }), source, exists: true };
  return { state: await openStateStore({ sqlitePath: ':memory:' }), source, exists: false };
}

/** The streams named, in the order given; every stream when none is. */
export function selectStreams(project: Project, names: readonly string[]): StreamModel[] {
  if (names.length === 0) return [...project.streams.values()];
  return names.map((name) => {
    const stream = project.streams.get(name);
    if (!stream) throw new PondError('NOT_FOUND', `unknown stream "${name}"`, { hint: `streams: ${[...project.streams.keys()].join(', ') || '(none)'}` });
    return stream;
  });
}

export async function schemaDiffCommand(names: string[], options: SchemaDiffOptions): Promise<number> {
  const project = await loadProject(projectDir(options));
  const streams = selectStreams(project, names);
  const registry = options.base === undefined ? await openRegistryState(project) : undefined;
  try {
    const history: SchemaHistory = registry ? registryHistory(registry.state, registry.source) : gitSchemaHistory(project.dir, options.base as string);
    const reports = await compareProjectSchemas(streams, history);
    const refused = reports.filter((r) => r.status === 'incompatible').length;
    if (options.json) printJson({ source: history.source, ok: refused === 0, streams: reports });
    else printReports(reports, history.source);
    return refused > 0 ? 1 : 0;
  } finally {
    await registry?.state.close();
  }
}

function printReports(reports: readonly StreamSchemaReport[], source: string): void {
  console.log(`Stream schemas against ${source}:`);
  for (const r of reports) {
    const head = `${r.stream} (${r.schemaFile}, ${r.mode})`;
    if (r.status === 'new')
      console.log(
        `\n  ${head}: nothing to compare against${source.startsWith('git') ? ` (no such file at ${source.slice('git ref '.length)})` : ' (not registered yet)'}`,
      );
    else if (r.status === 'unchanged') console.log(`\n  ${head}: unchanged since ${r.latest}`);
    else {
      const verdict = r.status === 'compatible' ? 'allowed' : 'NOT ALLOWED';
      console.log(`\n  ${head}: changed since ${r.latest}: ${verdict}`);
      console.log(`    ${r.mode}: ${describeMode(r.mode, r.latest)}${r.against.length > 1 ? ` (checked against ${r.against.join(', ')})` : ''}`);
      if (r.changes.length === 0) console.log('    no difference affects compatibility in either direction');
      for (const c of r.changes) {
        const line = c.message.startsWith(`${r.stream}: `) ? c.message.slice(r.stream.length + 2) : c.message;
        console.log(`    ${c.allowed ? '✓' : '✗'} ${line}`);
      }
    }
  }
  const refused = reports.filter((r) => r.status === 'incompatible');
  if (refused.length > 0) {
    console.log(
      `\n${refused.length} stream${refused.length === 1 ? '' : 's'} changed in a way ${refused.length === 1 ? 'its mode does' : 'their modes do'} not allow: revert the change, make it compatible, or set another mode (\`compatibility\` on the stream, or \`schemaCompatibility\` in pond.config.ts).`,
    );
  }
}

export async function schemaVersionsCommand(name: string, options: GlobalOptions): Promise<number> {
  const project = await loadProject(projectDir(options));
  const [stream] = selectStreams(project, [name]);
  const registry = await openRegistryState(project);
  try {
    const versions = await registry.state.schemaVersions(name);
    const current = schemaFingerprint(stream?.schema);
    const rows = versions.map((v) => ({
      version: v.version,
      registered: new Date(v.registeredAt).toISOString(),
      compatibility: v.compatibility,
      fingerprint: v.fingerprint.slice(0, 12),
      project: v.fingerprint === current ? (v === versions.at(-1) ? 'current' : 'same as current') : '',
    }));
    if (options.json) {
      printJson({
        stream: name,
        versions: versions.map((v) => ({
          version: v.version,
          registeredAt: new Date(v.registeredAt).toISOString(),
          compatibility: v.compatibility,
          fingerprint: v.fingerprint,
          current: v.fingerprint === current && v === versions.at(-1),
        })),
      });
      return 0;
    }
    if (versions.length === 0) {
      console.log(`Stream ${name} has no registered schema versions (${registry.source}); the next pond command that writes to the lake registers version 1.`);
      return 0;
    }
    console.log(formatTable(rows, ['version', 'registered', 'compatibility', 'fingerprint', 'project']));
    if (versions.at(-1)?.fingerprint !== current)
      console.log(`\nThe project's schema (${stream?.schemaFile}) differs from version ${versions.at(-1)?.version}: see \`pond schema diff ${name}\`.`);
    return 0;
  } finally {
    await registry.state.close();
  }
}

export async function schemaShowCommand(name: string, version: string | undefined, options: GlobalOptions): Promise<number> {
  const project = await loadProject(projectDir(options));
  selectStreams(project, [name]);
  const wanted = version === undefined ? undefined : Number(version);
  if (wanted !== undefined && !(Number.isInteger(wanted) && wanted >= 1))
    throw new PondError('BAD_ARGUMENT', `version "${version}" is not a version number`, {
      hint: 'versions are 1, 2, 3 …; `pond schema versions STREAM` lists them',
    });
  const registry = await openRegistryState(project);
  try {
    const versions = await registry.state.schemaVersions(name);
    const found = wanted === undefined ? versions.at(-1) : versions.find((v) => v.version === wanted);
    if (!found) {
      throw new PondError(
        'NOT_FOUND',
        wanted === undefined ? `stream "${name}" has no registered schema versions` : `stream "${name}" has no schema version ${wanted}`,
        {
          hint: versions.length > 0 ? `versions: 1 to ${versions.length}` : 'the next pond command that writes to the lake registers version 1',
        },
      );
    }
    const schema = JSON.parse(found.schema) as unknown;
    if (options.json)
      printJson({
        stream: name,
        version: found.version,
        registeredAt: new Date(found.registeredAt).toISOString(),
        compatibility: found.compatibility,
        fingerprint: found.fingerprint,
        schema,
      });
    else console.log(JSON.stringify(schema, null, 2));
    return 0;
  } finally {
    await registry.state.close();
  }
}
