/**
 * A loaded, validated project: streams and datasets with their partitioning,
 * resolved inputs and code fingerprints, in dependency order. Everything past
 * `config/` works on this model, never on what the user wrote.
 */
import type { CheckValue, CompatibilityMode, ForgottenPolicy, Row, Severity, TransformFunction } from '../define/index.ts';
import type { Partitioning } from '../partition/index.ts';
import type { Column } from '../model/index.ts';
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

/** A validated check: what it tests, by kind, with its severity and a name unique in its stream or dataset. */
export type CheckModel = {
  readonly name: string;
  readonly severity: Severity;
  readonly description: string | undefined;
} & (
  | { readonly kind: 'not_null'; readonly columns: readonly string[] }
  | { readonly kind: 'unique'; readonly columns: readonly string[] }
  | { readonly kind: 'accepted_values'; readonly column: string; readonly values: readonly CheckValue[] }
  | { readonly kind: 'range'; readonly column: string; readonly min: CheckValue | undefined; readonly max: CheckValue | undefined }
  | { readonly kind: 'row_count'; readonly min: number | undefined; readonly max: number | undefined }
  | { readonly kind: 'freshness'; readonly column: string; readonly withinMs: number }
  | { readonly kind: 'relationships'; readonly column: string; readonly to: string; readonly field: string }
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'volume'; readonly history: number; readonly minHistory: number; readonly deviations: number }
  /** A dataset's declared contract: columns every version must have, with their types. */
  | { readonly kind: 'contract'; readonly columns: readonly Column[] }
);

export interface StreamModel {
  readonly kind: 'stream';
  readonly name: string;
  /** Project-relative file that declared it. */
  readonly file: string;
  readonly schemaFile: string;
  readonly schema: Record<string, unknown>;
  readonly validate: EventValidator;
  /** Typed columns projected from the schema, then the `_` meta columns, as they are in the lake (encrypted ones VARCHAR). */
  readonly columns: readonly Column[];
  /** The same columns with their schema types: what a dataset that decrypts the stream (`decrypt`) reads. */
  readonly clearColumns: readonly Column[];
  readonly timeField: readonly string[];
  readonly partitioning: Partitioning;
  readonly latenessMs: number;
  readonly startMs: number | null;
  /** The id of its dead-letter dataset in the state store. */
  readonly deadLetter: string;
  /** Which schema changes the registry accepts (the stream's, else the project's, else BACKWARD). */
  readonly compatibility: CompatibilityMode;
  readonly checks: readonly CheckModel[];
  /** Columns that identify an event, shown beside failing rows. */
  readonly key: readonly string[];
  /** Its personal columns: the schema's `x-pond-pii` annotations merged with the stream's `pii`. */
  readonly pii: StreamPii;
  /** What readers see, and what lands, of a forgotten subject's events (the project's `privacy.forgotten`). */
  readonly forgotten: ForgottenPolicy;
  /** What is kept of its raw versions and dead letters. */
  readonly retention: RetentionPolicy;
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
  /** Aliases of the inputs (streams with personal data) whose personal fields it reads decrypted; empty when it reads none. */
  readonly decrypt: readonly string[];
  readonly onCodeChange: 'rebuild' | 'new-only';
  readonly concurrency: number;
  readonly retries: RetryPolicy;
  /** Changes whenever what the dataset computes may change. */
  readonly codeFingerprint: string;
  /** Longest path from a stream: streams are 0, their direct dependants 1 … */
  readonly depth: number;
  /** Its checks, the contract (if declared) among them. */
  readonly checks: readonly CheckModel[];
  /** Columns that identify a row, shown beside failing rows (may be empty). */
  readonly key: readonly string[];
  /** Where its committed partitions are published. */
  readonly sinks: readonly SinkModel[];
  /** Declared classes of output columns, overriding the inferred ones (see `privacy/`). */
  readonly pii: DatasetPii | undefined;
  /** What is kept of its superseded versions. */
  readonly retention: RetentionPolicy;
  readonly description: string | undefined;
}

/** A validated sink; `name` is unique within its dataset. Paths are absolute. */
export type SinkModel =
  | { readonly kind: 'postgres'; readonly name: string; readonly url: string; readonly table: string; readonly schema: string }
  | { readonly kind: 'sqlite'; readonly name: string; readonly file: string; readonly table: string }
  | { readonly kind: 'webhook'; readonly name: string; readonly url: string; readonly secret: string; readonly batchRows: number }
  | { readonly kind: 'files'; readonly name: string; readonly dir: string; readonly format: 'csv' | 'parquet' };

export type NodeModel = StreamModel | DatasetModel;

/** A stream's top-level columns that identify the data subject, and those that are personal data about them. */
export interface StreamPii {
  readonly identifiers: readonly string[];
  readonly personal: readonly string[];
}

/** A dataset's declared classes; `none` are columns that hold no personal data. */
export interface DatasetPii extends StreamPii {
  readonly none: readonly string[];
}

export interface Project {
  readonly dir: string;
  readonly name: string;
  readonly configFile: string;
  /** Absolute paths of the files it was loaded from: pond.config.ts, then the pipeline files (not what they import). */
  readonly files: readonly string[];
  readonly lakeDir: string;
  /** A `postgres://` URL, or undefined for the embedded SQLite store. */
  readonly stateUrl: string | undefined;
  readonly sqlitePath: string;
  /** The folder whose `*.test.ts` files `pond test` runs (`tests` in pond.config.ts). */
  readonly testsDir: string;
  readonly concurrency: number;
  readonly streams: ReadonlyMap<string, StreamModel>;
  readonly datasets: ReadonlyMap<string, DatasetModel>;
  /** Dataset names, each after all its inputs. */
  readonly order: readonly string[];
  readonly collect: CollectSettings;
  readonly buffer: BufferSettings;
  readonly land: LandSettings;
  readonly api: ApiSettings;
  /** The project-wide default retention (what a stream or dataset without `retention` gets). */
  readonly retention: RetentionPolicy;
  readonly gc: GcSettings;
  /** Where the master key of personal data comes from (see src/privacy/keys/). */
  readonly privacy: PrivacySettings;
}

export interface PrivacySettings {
  /** Absolute path of the master key file, used when POND_MASTER_KEY is not set. */
  readonly keyFile: string;
  /** Absolute path of the key epochs' folder (see src/privacy/keys/key-epochs.ts). */
  readonly keyDir: string;
  /** What readers see, and what lands, of a forgotten subject's events. */
  readonly forgotten: ForgottenPolicy;
}

/** Validated `retention` (see define/retention.ts); null means "no limit of this kind". */
export interface RetentionPolicy {
  /** How long a partition is kept after its window ended (null: forever). */
  readonly partitionsMs: number | null;
  readonly versions: { readonly keep: number | null; readonly forMs: number | null };
}

export interface GcSettings {
  /** How often `pond up` collects garbage. */
  readonly intervalMs: number;
  /** Superseded versions and unreferenced files younger than this are kept. */
  readonly graceMs: number;
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

export interface ApiSettings {
  /** Bearer tokens; empty means the API is open (allowed only on loopback). */
  readonly tokens: readonly string[];
  readonly queryTimeoutMs: number;
  readonly defaultRows: number;
  readonly maxRows: number;
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
