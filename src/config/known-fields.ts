/**
 * The fields each object of a project may have, so that a misspelled key
 * (`parition: 'day'`, `concurency: 2`) stops every command that loads the
 * project instead of being ignored. The lists are the authoring API's option
 * types (define/) key by key: `satisfies FieldsOf<…>` makes the compiler
 * reject a list that misses a field of the type or names one it lacks, so
 * the two cannot drift apart.
 */
import type {
  ApiOptions,
  BufferOptions,
  CheckSpec,
  CollectOptions,
  DatasetPiiOptions,
  FilesSinkOptions,
  GcOptions,
  InputSpec,
  LandOptions,
  PiiOptions,
  PondConfig,
  PostgresSinkOptions,
  PrivacyOptions,
  RetentionOptions,
  RetryOptions,
  SourceOptions,
  SqlDatasetOptions,
  SqliteSinkOptions,
  StreamOptions,
  VersionRetention,
  WebhookSinkOptions,
} from '../define/index.ts';
import { closestName } from '../errors/index.ts';

/** How far the fields of a value are checked. */
export type FieldRule =
  /** Not looked into: a value the user shapes (a SQL string, a contract's columns), or one a resolver checks. */
  | 'any'
  /** A plain object with these fields; other values are left to the resolvers. */
  | { readonly fields: Fields; readonly hidden?: readonly string[] }
  /** An object whose keys the user names (sources, inputs), each value following `each`. */
  | { readonly each: FieldRule }
  /** An array, each item following `items`. */
  | { readonly items: FieldRule }
  /** The rule depends on the value: a sink's or a check's kind. */
  | { readonly pick: (value: object) => FieldRule };

type Fields = Readonly<Record<string, FieldRule>>;

/** Every field of T, none more. */
type FieldsOf<T> = { readonly [K in keyof Required<T>]: FieldRule };

const object = (fields: Fields, hidden: readonly string[] = []): FieldRule => ({ fields, hidden });
/** Objects of this shape when written as objects (a grain as `{ every }`, a mapping as `{ last }`); strings and the rest go to the resolvers. */
const when = (fields: Fields): FieldRule => ({ pick: (value) => (Array.isArray(value) ? 'any' : object(fields)) });

const RETRIES = object({ attempts: 'any', backoff: 'any', maxBackoff: 'any' } satisfies FieldsOf<RetryOptions>);
const RETENTION = object({
  partitions: 'any',
  versions: object({ keep: 'any', for: 'any' } satisfies FieldsOf<VersionRetention>),
} satisfies FieldsOf<RetentionOptions>);
const GRAIN = when({ every: 'any' });

const SOURCE = object({
  writeKey: 'any',
  streams: 'any',
  segment: when({ track: 'any', identify: 'any', page: 'any', screen: 'any', group: 'any', alias: 'any' } satisfies FieldsOf<
    Exclude<SourceOptions['segment'], string | undefined>
  >),
} satisfies FieldsOf<SourceOptions>);

/** `pond.config.ts`'s default export. */
export const CONFIG_FIELDS: FieldRule = object(
  {
    name: 'any',
    pipelines: 'any',
    tests: 'any',
    lake: 'any',
    state: 'any',
    concurrency: 'any',
    retries: RETRIES,
    schemaCompatibility: 'any',
    collect: object({
      port: 'any',
      host: 'any',
      sources: { each: SOURCE },
      maxEventSize: 'any',
      maxRequestSize: 'any',
      truncateIp: 'any',
      trustProxy: 'any',
      cors: 'any',
      maxClockSkew: 'any',
    } satisfies FieldsOf<CollectOptions>),
    buffer: object({ partitions: 'any', maxSize: 'any' } satisfies FieldsOf<BufferOptions>),
    land: object({ interval: 'any', maxBatch: 'any', dedupWindow: 'any' } satisfies FieldsOf<LandOptions>),
    api: object({ tokens: 'any', queryTimeout: 'any', defaultRows: 'any', maxRows: 'any' } satisfies FieldsOf<ApiOptions>),
    retention: RETENTION,
    gc: object({ interval: 'any', grace: 'any' } satisfies FieldsOf<GcOptions>),
    privacy: object({ keyFile: 'any', keyDir: 'any', forgotten: 'any' } satisfies FieldsOf<PrivacyOptions>),
  } satisfies FieldsOf<PondConfig>,
  ['kind'],
);

/** What a check constructor records, by kind (bounds such as `check.range('x', { min, max })` are spread into it). */
const CHECK_SPECS: { readonly [K in CheckSpec['kind']]: FieldsOf<Omit<Extract<CheckSpec, { kind: K }>, 'kind'>> } = {
  not_null: { columns: 'any' },
  unique: { columns: 'any' },
  accepted_values: { column: 'any', values: 'any' },
  range: { column: 'any', min: 'any', max: 'any' },
  row_count: { min: 'any', max: 'any' },
  freshness: { column: 'any', within: 'any' },
  relationships: { column: 'any', to: 'any', field: 'any' },
  sql: { sql: 'any' },
  volume: { history: 'any', minHistory: 'any', deviations: 'any' },
};
const CHECK: FieldRule = {
  pick: (value) => {
    const spec = CHECK_SPECS[(value as { kind?: unknown }).kind as CheckSpec['kind']] as Fields | undefined;
    // Not a check at all: resolve-checks.ts says so.
    if ((value as { type?: unknown }).type !== 'check' || spec === undefined) return 'any';
    return object({ ...spec, severity: 'any', name: 'any', description: 'any' }, ['type', 'kind']);
  },
};

const SINKS: Readonly<Record<string, Fields>> = {
  postgres: { url: 'any', table: 'any', schema: 'any', name: 'any' } satisfies FieldsOf<PostgresSinkOptions>,
  sqlite: { file: 'any', table: 'any', name: 'any' } satisfies FieldsOf<SqliteSinkOptions>,
  webhook: { url: 'any', secret: 'any', batchRows: 'any', name: 'any' } satisfies FieldsOf<WebhookSinkOptions>,
  files: { dir: 'any', format: 'any', name: 'any' } satisfies FieldsOf<FilesSinkOptions>,
};
const SINK: FieldRule = {
  pick: (value) => {
    const fields = SINKS[(value as { kind?: unknown }).kind as string];
    return (value as { type?: unknown }).type === 'sink' && fields !== undefined ? object(fields, ['type', 'kind']) : 'any';
  },
};

/** An input: a stream or dataset (or its name) as it is, or `{ from, map }`. */
const INPUT: FieldRule = {
  pick: (value) =>
    'kind' in value || Array.isArray(value)
      ? 'any'
      : object({ from: 'any', map: when({ last: 'any' }) } satisfies FieldsOf<Exclude<InputSpec, string | { kind: string }>>),
};

/** What `stream({ … })` records. */
export const STREAM_FIELDS: FieldRule = object(
  {
    name: 'any',
    schema: 'any',
    time: 'any',
    partition: GRAIN,
    lateness: 'any',
    start: 'any',
    compatibility: 'any',
    checks: { items: CHECK },
    key: 'any',
    pii: object({ identifiers: 'any', personal: 'any' } satisfies FieldsOf<PiiOptions>),
    retention: RETENTION,
    description: 'any',
  } satisfies FieldsOf<StreamOptions>,
  ['kind', 'definedIn'],
);

/** What `dataset({ … })` records, for SQL and TypeScript transformations alike. */
export const DATASET_FIELDS: FieldRule = object(
  {
    name: 'any',
    inputs: { each: INPUT },
    partition: GRAIN,
    start: 'any',
    onCodeChange: 'any',
    concurrency: 'any',
    retries: RETRIES,
    checks: { items: CHECK },
    key: 'any',
    contract: 'any',
    sinks: { items: SINK },
    pii: object({ identifiers: 'any', personal: 'any', none: 'any' } satisfies FieldsOf<DatasetPiiOptions>),
    decrypt: 'any',
    retention: RETENTION,
    description: 'any',
    sql: 'any',
    transform: 'any',
    columns: 'any',
  } satisfies FieldsOf<SqlDatasetOptions<Record<string, InputSpec>>>,
  ['kind', 'definedIn'],
);

/** A field a value has and its rule does not know, with the fields it could have meant. */
export interface UnknownField {
  /** Dotted path from the checked value, e.g. `collect.sources.app.stream`, `checks[0].mx`. */
  readonly path: string;
  /** The key as written. */
  readonly key: string;
  /** The closest known field, when one is close enough to be a typo of it. */
  readonly suggestion: string | undefined;
  /** The fields allowed where the key is. */
  readonly known: readonly string[];
}

/**
 * The first field of `value` that its rule does not know, depth first.
 *
 * @example
 * unknownField({ name: 'd', parition: 'day' }, DATASET_FIELDS)
 * // { path: 'parition', key: 'parition', suggestion: 'partition', known: [...] }
 */
export function unknownField(value: unknown, rule: FieldRule, at = ''): UnknownField | undefined {
  if (rule === 'any' || typeof value !== 'object' || value === null) return undefined;
  if ('pick' in rule) return unknownField(value, rule.pick(value), at);
  if ('items' in rule) {
    if (!Array.isArray(value)) return undefined;
    for (let i = 0; i < value.length; i++) {
      const found = unknownField(value[i], rule.items, `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(value)) return undefined;
  if ('each' in rule) {
    for (const [key, item] of Object.entries(value)) {
      const found = unknownField(item, rule.each, join(at, key));
      if (found) return found;
    }
    return undefined;
  }
  const hidden = rule.hidden ?? [];
  for (const [key, item] of Object.entries(value)) {
    const sub = rule.fields[key];
    if (sub === undefined) {
      if (hidden.includes(key)) continue;
      const known = Object.keys(rule.fields).sort();
      return { path: join(at, key), key, suggestion: closestName(key, known), known };
    }
    const found = unknownField(item, sub, join(at, key));
    if (found) return found;
  }
  return undefined;
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}
