/**
 * What a command works with: the loaded project, its state store, its lake and
 * a DuckDB engine, opened on demand and closed once at exit.
 */
import * as path from 'node:path';
import { loadProject, type Project } from '../config/index.ts';
import { Lake, LocalObjectStore } from '../lake/index.ts';
import { registerProjectSchemas, type Registration } from '../schema/index.ts';
import { openStateStore, type StateStore } from '../state/index.ts';
import { openEngine, type Engine } from '../compute/index.ts';
import { validateProject } from '../validate/index.ts';
import { openKeyRing } from './open-key-ring.ts';
import type { SubjectKeyRing } from '../privacy/index.ts';

export interface GlobalOptions {
  project?: string;
  json?: boolean;
}

export interface Context {
  readonly project: Project;
  readonly state: StateStore;
  readonly lake: Lake;
  readonly engine: Engine;
  /** Stream schemas this start registered as new versions (none when nothing changed, or read-only). */
  readonly registeredSchemas: readonly Registration[];
  /** The data subjects' keys, opened on first use (which may create the master key file, and says so). */
  readonly keyRing: () => Promise<SubjectKeyRing>;
  close(): Promise<void>;
}

export interface OpenContextOptions {
  /**
   * The command only reads (status, query, runs, gc): the stream schemas are
   * left alone. Every other command registers changed schemas in the schema
   * registry first, and refuses to start (exit 2) on a change that a stream's
   * compatibility mode does not allow — before anything is written under it.
   */
  readonly readOnly?: boolean;
  /**
   * The command runs the project (build, up): before anything else, its
   * files typecheck and its SQL binds against its inputs' columns, or it
   * stops with exit code 2 (see validate/).
   */
  readonly validate?: boolean;
}

export function projectDir(options: GlobalOptions): string {
  return path.resolve(options.project ?? process.cwd());
}

export async function openContext(options: GlobalOptions, open: OpenContextOptions = {}): Promise<Context> {
  const project = await loadProject(projectDir(options));
  const state = await openStateStore({ url: project.stateUrl, sqlitePath: project.sqlitePath });
  let engine: Engine | undefined;
  const lazyEngine: Engine = {
    connect: async () => (engine ??= await openEngine()).connect(),
    acquire: async () => (engine ??= await openEngine()).acquire(),
    release: async (session) => engine?.release(session),
    close: () => engine?.close(),
  };
  let registeredSchemas: readonly Registration[] = [];
  try {
    if (open.validate) await validateProject(project, { engine: lazyEngine, versions: state });
    if (!open.readOnly) registeredSchemas = await registerProjectSchemas(project.streams.values(), state);
  } catch (error) {
    lazyEngine.close();
    await state.close();
    throw error;
  }
  const lake = new Lake(new LocalObjectStore(project.lakeDir));
  return {
    project,
    state,
    lake,
    engine: lazyEngine,
    registeredSchemas,
    keyRing: openKeyRing(project, state),
    async close() {
      lazyEngine.close();
      await state.close();
    },
  };
}
