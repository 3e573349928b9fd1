/**
 * The objects a project declares: streams, datasets and the project config.
 * These functions only record what the user wrote (and where); `config/`
 * validates it at load time and reports errors with the file and the field.
 */
import type { Duration } from './duration.ts';
import type { GrainName } from '../partition/index.ts';
import type { CheckDefinition } from './checks.ts';
import type { SinkDefinition } from './sinks.ts';
import type { GcOptions, RetentionOptions } from './retention.ts';

/** How a user writes a grain: a name, or `{ every: '10s' }` for fixed windows. */
export type GrainSpec = GrainName | { every: string };

/** One row as TypeScript transformations see it. */
export type Row = Record<string, unknown>;

/** How an output partition maps to the partitions of one input. */
export type Mapping =
  /** The input partitions inside the output's window: the same window, or a day from its 24 hours. */
  | 'window'
  /** Every partition of the input (for lookups such as a users table). */
  | 'all'
  /** The input partitions in the `last` span that ends where the output window ends: `{ last: '7d' }`. */
  | { last: Duration };

/** What a dataset needs of another to use it as an input. */
export interface DatasetRef {
  readonly kind: 'dataset';
  readonly name: string;
}

export type InputRef = StreamDefinition | DatasetRef | string;
export type InputSpec = InputRef | { from: InputRef; map?: Mapping };

export interface StreamOptions {
  /** Lower-case letters, digits and `_`; the name of the stream's view in SQL. */
  name: string;
  /** Path of the stream's JSON Schema file, relative to the project folder. */
  schema: string;
  /** The event-time field (a top-level field, or a dotted path such as `context.time`). */
  time: string;
  /** Partition grain of the raw data. Default `'hour'`. */
  partition?: GrainSpec;
  /** How late an event may arrive before its window counts as complete. Default `'10m'`. */
  lateness?: Duration;
  /** The first window; events before it go to the dead letters. ISO date or time. */
  start?: string;
  /**
   * Which changes of `schema` are allowed, checked against the versions in
   * the schema registry when Pond starts and by `pond check`. Default: the
   * project's `schemaCompatibility`, else `'BACKWARD'` (as Confluent Schema
   * Registry): the new schema must accept every event the previous one did.
   */
  compatibility?: CompatibilityMode;
  /** Quality checks run on every new raw version (see `check`). */
  checks?: readonly CheckDefinition[];
  /** Columns that identify an event, shown beside failing rows. Default `['_message_id']`. */
  key?: readonly string[];
  /**
   * Personal data in the events, added to the schema's `"x-pond-pii"`
   * annotations: top-level fields that identify the data subject, and fields
   * that are personal data about them (see `PiiOptions`).
   */
  pii?: PiiOptions;
  /** How many superseded raw versions are kept (see `RetentionOptions`). Default: the project's `retention`. */
  retention?: RetentionOptions;
  description?: string;
}

/**
 * Which columns hold personal data. `identifiers` identify the data subject
 * (a user id, an anonymous id, a device id, an email used as id);
 * `personal` are data about the subject (an email, a name, an IP address).
 *
 * @example
 * pii: { identifiers: ['user_id'], personal: ['email', 'name'] }
 */
export interface PiiOptions {
  identifiers?: readonly string[];
  personal?: readonly string[];
}

/**
 * A dataset's personal columns, overriding those inferred from its inputs:
 * `none` says a column holds no personal data (such as a salted hash).
 *
 * @example
 * pii: { identifiers: ['user_id'], none: ['user_hash'] }
 */
export interface DatasetPiiOptions extends PiiOptions {
  none?: readonly string[];
}

/**
 * Confluent Schema Registry's compatibility modes, applied to JSON Schema.
 * BACKWARD: the new schema reads data written with the previous version
 * (consumers upgrade first). FORWARD: the previous version reads data written
 * with the new one (producers upgrade first). FULL: both. The `_TRANSITIVE`
 * forms check against every earlier version, not only the latest. NONE: any
 * change.
 */
export type CompatibilityMode = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

export interface StreamDefinition extends Readonly<StreamOptions> {
  readonly kind: 'stream';
  /** The file that declared it, for error messages. */
  readonly definedIn: string | undefined;
}

/** Reads one input of a TypeScript transformation. */
export interface InputReader {
  /** The input's rows in batches of up to `size` rows (default 10,000). */
  batches(size?: number): AsyncIterable<Row[]>;
  /** All rows in one array; only for inputs known to be small. */
  all(): Promise<Row[]>;
}

export interface PartitionInfo {
  /** Canonical key, `2026-11-23T19:00Z/PT1H` or `all`. */
  readonly key: string;
  /** Window start, or `null` when unpartitioned. */
  readonly start: Date | null;
  /** Window end (exclusive), or `null` when unpartitioned. */
  readonly end: Date | null;
}

export interface TransformContext<Inputs extends string = string> {
  readonly partition: PartitionInfo;
  readonly inputs: Readonly<Record<Inputs, InputReader>>;
  /** Writes a line to the run's log. */
  log(message: string): void;
}

/** A TypeScript transformation: yields rows, or arrays of rows, for one output partition. */
export type TransformFunction<Inputs extends string = string> = (ctx: TransformContext<Inputs>) => AsyncIterable<Row | Row[]> | Iterable<Row | Row[]>;

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  attempts?: number;
  /** Wait before the first retry; doubled each time, with jitter. Default `'1s'`. */
  backoff?: Duration;
  /** Longest wait between attempts. Default `'5m'`. */
  maxBackoff?: Duration;
}

interface DatasetCommon<I extends Record<string, InputSpec>> {
  /** Lower-case letters, digits and `_`; the name of the dataset's view in SQL. */
  name: string;
  /** Inputs by the name the transformation uses for them. */
  inputs: I;
  /**
   * Partition grain, or `'none'` for a single partition. Default: the grain of
   * the first time-partitioned input, or `'none'` when there is none.
   */
  partition?: GrainSpec | 'none';
  /** The first window to build. Default: the latest `start` of its inputs. */
  start?: string;
  /** On a change of the transformation: rebuild every partition, or only build new ones. Default `'rebuild'`. */
  onCodeChange?: 'rebuild' | 'new-only';
  /** Partitions of this dataset built at once. Default: the project's concurrency. */
  concurrency?: number;
  retries?: RetryOptions;
  /** Quality checks run on every new version before it becomes current (see `check`). */
  checks?: readonly CheckDefinition[];
  /** Columns that identify a row, shown beside failing rows. Default: the columns of the first `unique` check, if any. */
  key?: readonly string[];
  /**
   * Columns every version must have, with their DuckDB types: a version that
   * lacks one or has another type is quarantined, like a failed `error` check.
   */
  contract?: Readonly<Record<string, string>>;
  /** Where each committed partition is published (see `sink`): PostgreSQL, SQLite, a webhook, files. */
  sinks?: readonly SinkDefinition[];
  /**
   * Personal data in the output columns. SQL datasets infer it from their
   * inputs' columns, and this overrides the inferred class of the columns it
   * names; TypeScript datasets without it inherit classes by column name only
   * (and `pond privacy` marks them unverified).
   */
  pii?: DatasetPiiOptions;
  /**
   * Inputs whose personal fields the transformation reads in clear, by input
   * name; `true` for every input that is a stream with personal data. Other
   * inputs, and other datasets, see pseudonyms and ciphertext
   * (`enc:v1:…`). The clear values have their schema types (`_raw` is the
   * event as received); a forgotten subject's are null. The output then holds
   * personal data in clear: give it a `retention`, and `pond privacy` lists it.
   *
   * @example
   * dataset({ name: 'signup_domains', inputs: { signups },
   *           decrypt: ['signups'],
   *           sql: "select split_part(email, '@', 2) as domain, count(*) as n from signups group by 1" });
   */
  decrypt?: true | readonly (keyof I & string)[];
  /** How many superseded versions are kept (see `RetentionOptions`). Default: the project's `retention`. */
  retention?: RetentionOptions;
  description?: string;
}

export interface SqlDatasetOptions<I extends Record<string, InputSpec>> extends DatasetCommon<I> {
  /**
   * DuckDB SQL. Each input is a view under its input name holding exactly the
   * mapped partitions' current versions; `pond_partition` is a one-row view
   * with `key`, `start` and `end` of the partition being built.
   */
  sql: string;
  transform?: never;
  columns?: never;
}

export interface TsDatasetOptions<I extends Record<string, InputSpec>> extends DatasetCommon<I> {
  sql?: never;
  transform: TransformFunction<keyof I & string>;
  /**
   * Output columns and their DuckDB types (`VARCHAR`, `BIGINT`, `DOUBLE`,
   * `BOOLEAN`, `TIMESTAMPTZ`, `JSON` …). When left out, types are inferred
   * from the rows of each partition.
   */
  columns?: Record<string, string>;
}

export type DatasetOptions<I extends Record<string, InputSpec> = Record<string, InputSpec>> = SqlDatasetOptions<I> | TsDatasetOptions<I>;

export type DatasetDefinition<I extends Record<string, InputSpec> = Record<string, InputSpec>> = Readonly<DatasetOptions<I>> & {
  readonly kind: 'dataset';
  readonly definedIn: string | undefined;
};

export interface PondConfig {
  /** The project's name, shown in the UI and logs. Default: the folder name. */
  name?: string;
  /** Folders or files (relative to the project) whose exported streams and datasets make the project. Default `['pipelines']`. */
  pipelines?: string[];
  /** The folder (relative to the project) whose `.test.ts` files, subfolders included, `pond test` runs. Default `'tests'`. */
  tests?: string;
  /** Where the lake lives. Default `.pond/lake`. */
  lake?: string;
  /** `'sqlite'` (default, `.pond/state.db`) or a `postgres://` URL. `POND_STATE_URL` overrides it. */
  state?: string;
  /** Partitions built at once across all datasets. Default 4. */
  concurrency?: number;
  /** Default retry settings for every dataset. */
  retries?: RetryOptions;
  /** Default compatibility mode of every stream's schema (see `StreamOptions.compatibility`). Default `'BACKWARD'`. */
  schemaCompatibility?: CompatibilityMode;
  /** The HTTP collector that `pond up` serves. */
  collect?: CollectOptions;
  /** The durable buffer between the collector and the lake. */
  buffer?: BufferOptions;
  /** Landing buffered events in the lake. */
  land?: LandOptions;
  /** The data API (`/api`) and `/metrics` that `pond up` serves beside the collector. */
  api?: ApiOptions;
  /** Default retention of every stream and dataset (see `RetentionOptions`). Default: keep every version. */
  retention?: RetentionOptions;
  /** Garbage collection: how often `pond up` runs it, and its grace period. */
  gc?: GcOptions;
  /** Encryption of personal data: where its master key lives. */
  privacy?: PrivacyOptions;
}

/**
 * Where the master key of personal data lives when `POND_MASTER_KEY` (32 bytes,
 * base64) is not set. Keep it out of the lake and out of version control, and
 * back it up: without it, the personal data landed under it cannot be read.
 *
 * @example
 * privacy: { keyFile: '/etc/pond/master.key' }
 */
export interface PrivacyOptions {
  /** The key file, relative to the project. Default `.pond/master.key`, created (mode 0600) on first use. */
  keyFile?: string;
  /**
   * The folder of the key epochs' keys, relative to the project: default
   * `.pond/keys`; `POND_KEY_DIR` overrides it. Each completed forget request
   * replaces the key there, so that no copy of the state database made before
   * (a backup, a WAL archive) can give back the forgotten subject's key. Keep
   * it with the master key, out of the lake, shared by every Pond process of
   * the project, and out of backups of the state database.
   */
  keyDir?: string;
  /**
   * What happens to the events of a forgotten data subject (`pond forget`),
   * those already in the lake as every reader sees them and those that arrive
   * later: `'anonymize'` (default) keeps them without identifiers and
   * personal fields, so counts and sums stay right; `'drop'` leaves them out.
   */
  forgotten?: ForgottenPolicy;
}

/** See `PrivacyOptions.forgotten`. */
export type ForgottenPolicy = 'anonymize' | 'drop';

/** Who may use the data API, and how much one query may cost. */
export interface ApiOptions {
  /**
   * Bearer tokens that may call `/api` and `/metrics` (`Authorization: Bearer <token>`),
   * at least 16 characters each; `POND_API_TOKEN` adds one. Required when
   * `collect.host` is not a loopback address. Keep them out of the code,
   * e.g. `[process.env.POND_API_TOKEN ?? 'dev-token-only-on-my-laptop']`.
   */
  tokens?: string[];
  /** A query running longer is interrupted and answered 408. Default `'30s'`. */
  queryTimeout?: Duration;
  /** Rows a query or rows request answers when it does not ask for fewer. Default 10,000. */
  defaultRows?: number;
  /** Most rows one answer may hold (`limit` above it is refused). Default 1,000,000. */
  maxRows?: number;
}

/** A sender of events (an app, a site, a device fleet) and what its write key may do. */
export interface SourceOptions {
  /**
   * The secret the source sends: the Basic-auth user (empty password), a
   * `writeKey` field in the body, or an `X-Pond-Write-Key` header. Keep real
   * keys out of the code, e.g. `process.env.WEB_WRITE_KEY`.
   */
  writeKey: string;
  /** Streams the key may write through `POST /v1/streams/:stream/events`. */
  streams?: string[];
  /**
   * The stream that receives this source's Segment-compatible calls
   * (`/v1/batch`, `/v1/track`, `/v1/identify` …): one stream for all types,
   * or one per type, e.g. `{ track: 'tracks', identify: 'identifies' }`
   * (types left out are refused).
   */
  segment?: string | Partial<Record<'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias', string>>;
}

export interface CollectOptions {
  /** Default 8080. `POND_PORT` overrides it. */
  port?: number;
  /** Default `127.0.0.1` (loopback only); `0.0.0.0` serves every interface. */
  host?: string;
  /** Write keys by source name. Without any, the collector refuses every event with 401. */
  sources?: Record<string, SourceOptions>;
  /** Largest event, in bytes or as `'32kb'`. Default `'32kb'` (as Segment). */
  maxEventSize?: number | string;
  /** Largest request body. Default `'500kb'` (as Segment). */
  maxRequestSize?: number | string;
  /** Keep only the network part of client IPs (IPv4 /24, IPv6 /48). Default false. */
  truncateIp?: boolean;
  /** Take the client IP from `X-Forwarded-For` (behind a load balancer). Default false. */
  trustProxy?: boolean;
  /** Origins allowed to send from browsers: `'*'` (default) or a list. */
  cors?: '*' | string[];
  /** Events whose time is further ahead of their receipt than this go to the dead letters. Default `'1d'`. */
  maxClockSkew?: Duration;
}

export interface BufferOptions {
  /** Partitions of the events topic (records are keyed by messageId). Default 1. */
  partitions?: number;
  /** Bytes the buffer may hold before the collector answers 429. Default `'1gb'`. */
  maxSize?: number | string;
}

export interface LandOptions {
  /** How often buffered events are landed. Default `'1s'`. */
  interval?: Duration;
  /** Most events landed in one batch (bigger batches make fewer files, smaller ones shorter pauses for the collector). Default 10,000. */
  maxBatch?: number;
  /** How long a messageId is remembered to drop duplicates. Default `'24h'`. */
  dedupWindow?: Duration;
}

export interface ConfigDefinition extends Readonly<PondConfig> {
  readonly kind: 'config';
}

/** The file that called the function calling this, read from the stack (file path or URL). */
function callerFile(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  // [0] "Error", [1] callerFile, [2] stream()/dataset(), [3] the user's file
  const line = stack[3];
  const match = line?.match(/\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?$/);
  // A project loaded again in the same process (`pond up` after an edit) is imported as `file.ts?pond-gen=N`.
  return match?.[1]?.replace(/^file:\/\//, '').replace(/\?.*$/, '');
}

/**
 * Declares a stream of events.
 *
 * @example
 * export const events = stream({
 *   name: 'events',
 *   schema: 'schemas/events.schema.json',
 *   time: 'time_utc',
 *   partition: 'hour',
 *   lateness: '10m',
 * });
 */
export function stream(options: StreamOptions): StreamDefinition {
  return Object.freeze({ ...options, kind: 'stream' as const, definedIn: callerFile() });
}

/**
 * Declares a dataset derived from its inputs by DuckDB SQL or a TypeScript function.
 *
 * @example
 * export const hourly = dataset({
 *   name: 'hourly_sales',
 *   inputs: { purchases },
 *   sql: `select sku, sum(unit_price) as revenue from purchases group by sku`,
 * });
 *
 * export const weekly = dataset({
 *   name: 'weekly_active',
 *   partition: 'day',
 *   inputs: { logins: { from: logins, map: { last: '7d' } } },
 *   sql: `select count(distinct user_id) as users from logins`,
 * });
 */
export function dataset<const I extends Record<string, InputSpec>>(options: DatasetOptions<I>): DatasetDefinition<I> {
  return Object.freeze({ ...options, kind: 'dataset' as const, definedIn: callerFile() }) as DatasetDefinition<I>;
}

/**
 * The project's settings, the default export of `pond.config.ts`.
 *
 * @example
 * export default defineConfig({ name: 'shop', concurrency: 4 });
 */
export function defineConfig(config: PondConfig): ConfigDefinition {
  return Object.freeze({ ...config, kind: 'config' as const });
}
