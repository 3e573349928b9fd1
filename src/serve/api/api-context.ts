/** What every data API route reads: the project, the state store, the lake and the read-only SQL engine. */
import type { Project } from '../../config/index.ts';
import { nodeOf, type NodeModel } from '../../config/index.ts';
import { PondError } from '../../errors/index.ts';
import type { Lake } from '../../lake/index.ts';
import type { StateStore } from '../../state/index.ts';
import type { ReadOnlySql } from './read-only-sql.ts';

export interface ApiContext {
  readonly project: Project;
  readonly state: StateStore;
  readonly lake: Lake;
  readonly sql: ReadOnlySql;
}

/** The stream or dataset named, or NOT_FOUND (404) that lists the known names. */
export function findNode(project: Project, name: string): NodeModel {
  const node = nodeOf(project, name);
  if (node) return node;
  throw new PondError('NOT_FOUND', `no stream or dataset named "${name}"`, { hint: `known: ${[...project.streams.keys(), ...project.datasets.keys()].join(', ') || '(none)'}` });
}
