/**
 * The JSON Schemas of the data API's answers, for its OpenAPI document: one
 * per type of `answers/`, under the same name. The types are what the
 * compiler holds the routes to; these are what clients read.
 * `test/api-contract.test.ts` calls every route on a real project and
 * checks each answer against its schema with no property left undescribed,
 * so a field added, removed or retyped on one side only fails there.
 */

export type Schema = Readonly<Record<string, unknown>>;

export const str: Schema = { type: 'string' };
export const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
/** ISO 8601 text, as `Date.toISOString()` writes it. */
const time: Schema = { type: 'string', format: 'date-time' };
export const oneOf = (...values: readonly string[]): Schema => ({ type: 'string', enum: values });
export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
export const array = (items: Schema): Schema => ({ type: 'array', items });
/** An object with exactly these properties, all required (as the answer types declare them). */
export const object = (properties: Readonly<Record<string, Schema>>): Schema => ({ type: 'object', required: Object.keys(properties), properties });
/** One of ANSWER_SCHEMAS (test/api-contract.test.ts compiles every one: a name that is not there fails it). */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const described = (schema: Schema, description: string): Schema => ({ ...schema, description });

const nodeSummary = {
  name: str,
  kind: oneOf('dataset', 'stream'),
  file: described(str, 'The project file that defines it'),
  description: nullable(str),
  grain: described(str, 'hour, day …, or none'),
  partitionKey: described(str, 'The ISO form of its keys, or all'),
};
const partitionCounts = {
  count: int,
  fresh: int,
  stale: int,
  failed: int,
  first: nullable(str),
  last: nullable(str),
  waitingFor: described(nullable(str), 'Why the span ends where it does (e.g. "watermark of events"), or null'),
};
const ranges = {
  ranges: array(ref('PartitionRange')),
  rangesTruncated: bool,
};
const checkSummary = {
  dataset: str,
  idx: int,
  key: str,
  versionId: str,
  check: str,
  kind: str,
  severity: oneOf('error', 'warn'),
  status: oneOf('pass', 'fail', 'error'),
  observed: nullable(str),
  threshold: nullable(str),
  failingRows: int,
  keyColumns: array(str),
  message: nullable(str),
  runId: nullable(str),
  checkedAt: time,
  versionState: oneOf('committed', 'quarantined', 'unknown'),
  current: described(bool, "Whether the version is its partition's current version"),
};
const schemaVersionSummary = { version: int, registeredAt: time, compatibility: str, fingerprint: str };
const rates = ref('Rates');

/** `components.schemas` of the OpenAPI document. */
export const ANSWER_SCHEMAS = {
  ErrorAnswer: {
    type: 'object',
    required: ['error'],
    properties: {
      error: described(str, 'What was wrong, and where'),
      code: described(str, "Pond's error code (absent on 401)"),
      hint: described(str, 'What to do'),
    },
  },
  Column: object({ name: str, type: described(str, 'DuckDB type') }),
  Table: object({
    columns: array(ref('Column')),
    rows: array({ type: 'object' }),
    rowCount: int,
    truncated: described(bool, 'True when the query had more rows than the limit'),
    ms: int,
  }),

  Health: oneOf('ok', 'stale', 'failed', 'warn', 'empty'),
  Freshness: object({ latest: nullable(str), latestEnd: nullable(time), lagMs: nullable(int), expectedLagMs: int, onTime: bool }),
  PartitionCounts: object(partitionCounts),
  SinkRef: object({ name: str, kind: str }),
  DatasetSummary: object({
    ...nodeSummary,
    inputs: array(str),
    sinks: array(ref('SinkRef')),
    partitions: ref('PartitionCounts'),
    health: ref('Health'),
    freshness: ref('Freshness'),
  }),
  DatasetList: object({ datasets: array(ref('DatasetSummary')) }),
  PartitionRange: object({ from: str, to: str, partitions: int, state: str }),
  DatasetPartitions: object({ ...partitionCounts, ...ranges }),
  StreamPartitions: object({ count: int, failed: int, first: nullable(str), last: nullable(str), ...ranges }),
  Cause: oneOf('new-data', 'missing', 'input-changed', 'code-changed', 'failed-earlier', 'forced', 'retry', 'backfill', 'manual'),
  InputVersion: object({ dataset: str, key: str, version: str }),
  Version: object({
    id: str,
    partition: str,
    state: oneOf('committed', 'quarantined'),
    rows: int,
    bytes: int,
    files: described(int, 'Parquet files'),
    cause: ref('Cause'),
    runId: nullable(str),
    inputs: array(ref('InputVersion')),
    codeFingerprint: str,
    createdAt: time,
    buildMs: int,
    reason: described(nullable(str), 'The reason of the run that built it; "landed" for raw data'),
  }),
  DeclaredCheck: object({ name: str, kind: str, severity: oneOf('error', 'warn'), description: nullable(str) }),
  CheckSummary: object(checkSummary),
  CheckResult: object({ ...checkSummary, sample: described(array({ type: 'object' }), 'Some failing rows, their key columns first') }),
  CheckList: object({ checks: array(ref('CheckResult')) }),
  InputMapping: {
    anyOf: [object({ kind: { const: 'window' } }), object({ kind: { const: 'all' } }), object({ kind: { const: 'last' }, ms: int })],
  },
  LineageInput: object({ alias: str, source: str, mapping: ref('InputMapping') }),
  PersonalData: described(
    object({ identifiers: array(str), personal: array(str), source: { type: 'object', additionalProperties: str }, unverified: bool }),
    'The columns that identify a data subject and those that are personal data about them, each with where its class comes from ' +
      '("declared", "from users.email", or "by name (unverified)" for a TypeScript dataset that declares no pii)',
  ),
  DatasetDetail: object({
    ...nodeSummary,
    schema: array(ref('Column')),
    partitions: { anyOf: [ref('DatasetPartitions'), ref('StreamPartitions')] },
    versions: array(ref('Version')),
    checks: object({ declared: array(ref('DeclaredCheck')), recent: array(ref('CheckSummary')) }),
    lineage: object({ inputs: array(ref('LineageInput')), dependants: array(str), sinks: array(ref('SinkRef')) }),
    personalData: described(nullable(ref('PersonalData')), 'null when it holds no personal data'),
  }),
  Bucket: object({
    from: str,
    to: str,
    fromTime: nullable(time),
    toTime: nullable(time),
    partitions: int,
    fresh: int,
    stale: int,
    missing: int,
    failed: int,
  }),
  Timeline: object({
    name: str,
    grain: str,
    count: int,
    first: nullable(str),
    last: nullable(str),
    from: nullable(str),
    to: nullable(str),
    fromTime: nullable(time),
    toTime: nullable(time),
    partitionsPerBucket: int,
    buckets: array(ref('Bucket')),
  }),

  SchemaSpan: object({
    columns: array(ref('Column')),
    firstVersion: str,
    firstSeen: time,
    lastSeen: time,
    versions: int,
    changes: object({ added: array(ref('Column')), removed: array(ref('Column')), retyped: array(object({ name: str, from: str, to: str })) }),
  }),
  SchemaHistory: object({ name: str, schemas: array(ref('SchemaSpan')) }),
  ProjectLoadError: object({ message: str, where: nullable(str), hint: nullable(str), at: time }),
  ProjectStatus: object({
    name: str,
    generation: described(int, 'Loads since the server started: 0 is the project it started with'),
    loadedAt: time,
    error: described(nullable(ref('ProjectLoadError')), 'A change of the files that did not load; the project in use is the last one that did'),
  }),
  StreamSchema: object({ stream: str, schemaFile: str, compatibility: str, latestVersion: nullable(int), projectMatchesLatest: bool }),
  SchemaList: object({ schemas: array(ref('StreamSchema')) }),
  SchemaVersionList: object({ stream: str, versions: array(object({ ...schemaVersionSummary, current: bool })) }),
  SchemaVersion: object({ ...schemaVersionSummary, schema: described({}, 'The JSON Schema') }),

  RunStatus: oneOf('running', 'succeeded', 'failed', 'cancelled'),
  Run: object({
    id: str,
    taskId: nullable(str),
    dataset: str,
    idx: int,
    key: str,
    cause: ref('Cause'),
    reason: str,
    attempt: int,
    status: ref('RunStatus'),
    error: nullable(str),
    retryable: described(nullable(bool), 'Whether the error said a retry can help'),
    versionId: nullable(str),
    worker: str,
    startedAt: time,
    finishedAt: nullable(time),
    ms: nullable(int),
  }),
  RunList: object({ runs: array(ref('Run')) }),
  LogLine: object({ at: time, level: oneOf('debug', 'info', 'warn', 'error'), message: str }),
  RunDetail: object({ run: ref('Run'), logs: array(ref('LogLine')) }),
  RetryAnswer: object({ task: object({ id: str, dataset: str, key: str, cause: ref('Cause'), reason: str }) }),
  CancelAnswer: object({ cancelled: { const: true } }),

  Rates: object({ '1m': nullable(num), '15m': nullable(num), '1h': nullable(num) }),
  StreamRate: object({ eventsPerSecond: rates, deadLettersPerSecond: rates, since: nullable(time) }),
  LandingFigures: described(
    object({ lastLagMs: nullable(int), p50LagMs: nullable(int), p95LagMs: nullable(int), batches: int }),
    'Receipt-to-lake latency of the batches landed in the last 5 minutes (each batch counts once, by its oldest event)',
  ),
  Stream: object({
    name: str,
    schemaFile: str,
    grain: str,
    latenessMs: int,
    events: int,
    deadLetters: int,
    newestEventTime: nullable(time),
    lastReceivedAt: nullable(time),
    watermark: nullable(time),
    rates: ref('StreamRate'),
    landing: ref('LandingFigures'),
  }),
  StreamList: object({ streams: array(ref('Stream')) }),
  TailEvent: object({
    receivedAt: time,
    messageId: str,
    source: str,
    status: oneOf('accepted', 'dead-letter'),
    eventTime: described(nullable(time), 'Its event time, when accepted'),
    reason: described(nullable(str), 'Why it goes to the dead letters'),
    event: described(
      {},
      'The event as it lands, parsed; in a stream with personal data identifiers are pseudonyms, personal values masked (enc:v1:<pseudonym>:…), and a dead letter null',
    ),
    masked: described(array(str), 'The top-level fields whose values are masked'),
  }),
  StreamTail: object({
    stream: str,
    events: array(ref('TailEvent')),
    cursor: described(str, 'Pass it as `after` to get the events that arrive after these'),
    missed: described(int, 'Events after `after` no longer held when read'),
    capacity: described(int, 'Events kept per stream'),
  }),
  Sink: object({
    dataset: str,
    sink: str,
    kind: str,
    target: str,
    partitions: int,
    published: int,
    behind: int,
    failing: int,
    lastPublishedAt: nullable(time),
    lastError: nullable(object({ partition: str, version: str, error: str, attempts: int })),
    nextAttemptAt: nullable(time),
  }),
  SinkList: object({ sinks: array(ref('Sink')) }),

  ColumnClass: object({ column: str, class: oneOf('identifier', 'personal'), source: str }),
  NodePrivacy: object({
    name: str,
    kind: oneOf('stream', 'dataset'),
    file: str,
    identifiers: array(str),
    personal: array(str),
    columns: array(ref('ColumnClass')),
    unverified: described(bool, 'A TypeScript dataset whose classes are guessed by column name'),
    decrypts: described(array(str), 'The streams a dataset reads in clear (its `decrypt`); its personal columns hold clear values'),
  }),
  PrivacyReport: object({ personalData: array(ref('NodePrivacy')), noPersonalData: array(str) }),
  ForgetStatus: oneOf('recorded', 'rebuilding', 'done'),
  ForgetFinding: object({
    area: oneOf('dataset', 'stream', 'dead-letter', 'state'),
    name: str,
    dataset: nullable(str),
    key: nullable(str),
    versionId: nullable(str),
    column: str,
    value: oneOf('clear identifier', 'pseudonym'),
    rows: int,
  }),
  ForgetVerification: object({
    verifiedAt: time,
    lookedFor: oneOf('pseudonym', 'clear identifier and pseudonym'),
    nothingLeft: bool,
    total: int,
    findings: array(ref('ForgetFinding')),
    scanned: object({ versions: int, files: int }),
    error: nullable(str),
  }),
  ForgetRequest: object({
    id: str,
    pseudonym: str,
    status: ref('ForgetStatus'),
    requestedAt: time,
    requestedBy: str,
    reason: str,
    hadKey: described(bool, 'False when the subject had no key: never seen, or already forgotten'),
    rawPartitions: nullable(int),
    partitions: int,
    rebuilt: int,
    failed: int,
    waiting: described(array(str), 'Up to 20 partitions still waiting, as "dataset key"'),
    completedAt: nullable(time),
    verification: described(
      nullable(ref('ForgetVerification')),
      'The last scan for what of the subject survives (when the request completed: by pseudonym only; `pond forget --verify SUBJECT`: the clear identifier too), null before the first. Findings name the place, never the value; the first 200 are kept, `total` counts all.',
    ),
    alreadyForgotten: described(
      bool,
      'In the answer to a forget: the subject had been forgotten by this earlier request, and nothing new was recorded or rebuilt',
    ),
  }),
  ForgetRequestList: object({ requests: array(ref('ForgetRequest')) }),
  ForgetRequestDetail: object({ request: ref('ForgetRequest') }),
  ForgetAnswer: object({ request: ref('ForgetRequest'), alreadyForgotten: bool }),
} as const satisfies Record<string, Schema>;
