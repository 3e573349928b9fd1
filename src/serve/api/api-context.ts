/** What every data API route reads: the project, the state store, the lake and the read-only SQL engine. */
import type { Project } from '../../config/index.ts';
import { nodeOf, type NodeModel } from '../../config/index.ts';
import { parsePartitionKey, partitionKey } from '../../partition/index.ts';
import { PondError } from '../../errors/index.ts';
import type { Lake } from '../../lake/index.ts';
import type {
  VersionStore,
  TaskQueue,
  RunLog,
  CheckStore,
  StreamActivityStore,
  SchemaRegistryStore,
  SinkStateStore,
  SubjectKeyStore,
  ForgetStore,
  GcStore,
} from '../../state/index.ts';
import type { ProjectPrivacy } from './personal-data.ts';
import type { PlanCache } from './plan-cache.ts';
import type { ReadOnlySql } from './read-only-sql.ts';

/** The roles of the state store the data API reads and writes. */
export type ApiState = VersionStore &
  TaskQueue &
  RunLog &
  CheckStore &
  StreamActivityStore &
  SchemaRegistryStore &
  SinkStateStore &
  SubjectKeyStore &
  ForgetStore &
  GcStore;

export interface ApiContext {
  readonly project: Project;
  readonly state: ApiState;
  readonly lake: Lake;
  readonly sql: ReadOnlySql;
  /** The current plan, shared by the requests of a moment. */
  readonly plans: PlanCache;
  /** Which columns hold personal data, classified once per server. */
  readonly privacy: ProjectPrivacy;
}

/** The stream or dataset named, or NOT_FOUND (404) that lists the known names. */
export function findNode(project: Project, name: string): NodeModel {
  const node = nodeOf(project, name);
  if (node) return node;
  throw new PondError('NOT_FOUND', `no stream or dataset named "${name}"`, {
    hint: `known: ${[...project.streams.keys(), ...project.datasets.keys()].join(', ') || '(none)'}`,
  });
}

/** The window number of `key` in `node`, or BAD_ARGUMENT (400) with an example of its keys. */
export function partitionIdx(node: NodeModel, key: string): number {
  const idx = parsePartitionKey(node.partitioning, key);
  if (idx !== undefined) return idx;
  const p = node.partitioning;
  throw new PondError('BAD_ARGUMENT', `"${key}" is not a partition key of ${node.name}`, {
    hint: `${node.name} has keys like ${partitionKey(p, p.kind === 'none' ? 0 : p.grain.index(Date.now()))}`,
  });
}

/** `partition` of a query string, which needs `dataset`: its window number, or undefined when not given. */
export function partitionFilter(project: Project, route: string, dataset: string | undefined, partition: string | undefined): number | undefined {
  if (partition === undefined) {
    if (dataset !== undefined) findNode(project, dataset);
    return undefined;
  }
  if (dataset === undefined) throw new PondError('BAD_ARGUMENT', 'partition needs dataset', { hint: `GET ${route}?dataset=NAME&partition=KEY` });
  return partitionIdx(findNode(project, dataset), partition);
}
