/**
 * What a command works with: the loaded project, its state store, its lake and
 * a DuckDB engine, opened on demand and closed once at exit.
 */
import * as path from 'node:path';
import { loadProject, type Project } from '../config/index.ts';
import { Lake, LocalObjectStore } from '../lake/index.ts';
import { openStateStore, type StateStore } from '../state/index.ts';
import { openEngine, type Engine } from '../transform/index.ts';

export interface GlobalOptions {
  project?: string;
  json?: boolean;
}

export interface Context {
  readonly project: Project;
  readonly state: StateStore;
  readonly lake: Lake;
  readonly engine: Engine;
  close(): Promise<void>;
}

export function projectDir(options: GlobalOptions): string {
  return path.resolve(options.project ?? process.cwd());
}

export async function openContext(options: GlobalOptions): Promise<Context> {
  const project = await loadProject(projectDir(options));
  const state = await openStateStore({ url: project.stateUrl, sqlitePath: project.sqlitePath });
  const lake = new Lake(new LocalObjectStore(project.lakeDir));
  let engine: Engine | undefined;
  const lazyEngine: Engine = {
    connect: async () => (engine ??= await openEngine()).connect(),
    acquire: async () => (engine ??= await openEngine()).acquire(),
    release: async (session) => engine?.release(session),
    close: () => engine?.close(),
  };
  return {
    project,
    state,
    lake,
    engine: lazyEngine,
    async close() {
      lazyEngine.close();
      await state.close();
    },
  };
}
