/**
 * A loaded, validated project: streams and datasets with their partitioning,
 * resolved inputs and code fingerprints, in dependency order. Everything past
 * `config/` works on this model, never on what the user wrote.
 */
import type { Partitioning, Row, TransformFunction } from '../define/index.ts';
import type { Column } from '../state/index.ts';
import type { EventValidator } from '../schema/index.ts';

export type ResolvedMapping = { readonly kind: 'window' } | { readonly kind: 'all' } | { readonly kind: 'last'; readonly ms: number };

export interface ResolvedInput {
  /** The name the transformation uses (its view name in SQL). */
  readonly alias: string;
  /** Name of the stream or dataset it reads. */
  readonly source: string;
  readonly mapping: ResolvedMapping;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export interface StreamModel {
  readonly kind: 'stream';
  readonly name: string;
  /** Project-relative file that declared it. */
  readonly file: string;
  readonly schemaFile: string;
  readonly schema: Record<string, unknown>;
  readonly validate: EventValidator;
  /** Typed columns projected from the schema, then the `_` meta columns. */
  readonly columns: readonly Column[];
  readonly timeField: readonly string[];
  readonly partitioning: Partitioning;
  readonly latenessMs: number;
  readonly startMs: number | null;
  /** The id of its dead-letter dataset in the state store. */
  readonly deadLetter: string;
}

export interface DatasetModel {
  readonly kind: 'dataset';
  readonly name: string;
  readonly file: string;
  readonly inputs: readonly ResolvedInput[];
  readonly partitioning: Partitioning;
  readonly startMs: number | null;
  readonly sql: string | undefined;
  readonly transform: TransformFunction | undefined;
  /** Declared output columns of a TypeScript transformation. */
  readonly columns: Readonly<Record<string, string>> | undefined;
  readonly onCodeChange: 'rebuild' | 'new-only';
  readonly concurrency: number;
  readonly retries: RetryPolicy;
  /** Changes whenever what the dataset computes may change. */
  readonly codeFingerprint: string;
  /** Longest path from a stream: streams are 0, their direct dependants 1 … */
  readonly depth: number;
  readonly description: string | undefined;
}

export type NodeModel = StreamModel | DatasetModel;

export interface Project {
  readonly dir: string;
  readonly name: string;
  readonly configFile: string;
  readonly lakeDir: string;
  /** A `postgres://` URL, or undefined for the embedded SQLite store. */
  readonly stateUrl: string | undefined;
  readonly sqlitePath: string;
  readonly concurrency: number;
  readonly streams: ReadonlyMap<string, StreamModel>;
  readonly datasets: ReadonlyMap<string, DatasetModel>;
  /** Dataset names, each after all its inputs. */
  readonly order: readonly string[];
  readonly collect: CollectSettings;
  readonly buffer: BufferSettings;
  readonly land: LandSettings;
}

export type SegmentType = 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias';

export interface SourceModel {
  readonly name: string;
  readonly writeKey: string;
  /** Streams it may write through the native API. */
  readonly streams: ReadonlySet<string>;
  /** The stream each Segment call type goes to. */
  readonly segment: Readonly<Partial<Record<SegmentType, string>>>;
}

export interface CollectSettings {
  readonly port: number;
  readonly host: string;
  readonly sources: readonly SourceModel[];
  readonly maxEventBytes: number;
  readonly maxRequestBytes: number;
  readonly truncateIp: boolean;
  readonly trustProxy: boolean;
  readonly cors: '*' | readonly string[];
  readonly maxClockSkewMs: number;
}

export interface BufferSettings {
  /** Folder of the embedded log. */
  readonly dir: string;
  readonly partitions: number;
  readonly maxBytes: number;
}

export interface LandSettings {
  readonly intervalMs: number;
  readonly maxBatch: number;
  readonly dedupWindowMs: number;
}

export type { Row };

export function nodeOf(project: Project, name: string): NodeModel | undefined {
  return project.streams.get(name) ?? project.datasets.get(name);
}

/** Datasets that read `name` directly. */
export function dependantsOf(project: Project, name: string): DatasetModel[] {
  return [...project.datasets.values()].filter((d) => d.inputs.some((i) => i.source === name));
}

export const DEAD_LETTER_PREFIX = 'dead-letter/';
