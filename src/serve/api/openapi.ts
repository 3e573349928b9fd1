/**
 * The OpenAPI 3.1 document served at `/api/openapi.json`, written by hand
 * beside the routes: its operations here, the schemas of its answers in
 * `openapi-schemas.ts`. test/api.test.ts fails when a route is registered
 * that it does not describe; test/api-contract.test.ts when an answer is not
 * what it says.
 */
import { ANSWER_SCHEMAS, ref, str, type Schema } from './openapi-schemas.ts';

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: ref('ErrorAnswer') } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'Bad request (bad SQL, forbidden statement, bad parameter)',
  401: 'No valid bearer token',
  404: 'Unknown name',
  408: 'The query ran past the timeout',
  409: 'Conflict with the current state (the reason says which)',
  422: 'The project is invalid (the error names the file and the field)',
};
const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const accepted = (schema: Schema) => ({ description: 'Accepted', content: { 'application/json': { schema } } });
const table = (description: string) => ({
  description,
  headers: {
    'Pond-Rows': { schema: { type: 'integer' }, description: 'Rows in the answer' },
    'Pond-Truncated': { schema: { type: 'boolean' }, description: 'Whether the row limit cut the answer' },
  },
  content: {
    'application/json': { schema: ref('Table') },
    'text/csv': { schema: { type: 'string' } },
    'application/vnd.apache.parquet': { schema: { type: 'string', format: 'binary' } },
  },
});
const q = (name: string, description: string, schema: Schema = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const p = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const format = q('format', 'json, csv or parquet (else the Accept header decides; default json)', { type: 'string', enum: ['json', 'csv', 'parquet'] });
const limit = q('limit', 'Most rows to answer', { type: 'integer', minimum: 1 });

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Pond data API',
    version: '1',
    description:
      'Read-only SQL over the lake, datasets with their partitions, versions, checks, lineage, health and schema history, runs and their logs (retry, cancel), sinks, the schema registry and streams. ' +
      'Every request needs `Authorization: Bearer <token>` when tokens are configured (always when the server is not on loopback).',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: ANSWER_SCHEMAS,
  },
  paths: {
    '/api/query': {
      post: {
        summary:
          'Run one read-only SQL statement (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) over the views of every stream, dataset and dead_letters',
        parameters: [format, limit],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['sql'],
                properties: { sql: { type: 'string' }, format: { type: 'string', enum: ['json', 'csv', 'parquet'] }, limit: { type: 'integer', minimum: 1 } },
              },
            },
            'text/plain': { schema: { type: 'string', description: 'The SQL itself' } },
          },
        },
        responses: { '200': table('The answer'), ...errors(400, 401, 408) },
      },
    },
    '/api/datasets': {
      get: {
        summary: 'Every dataset with its partition counts, inputs, sinks, health and freshness',
        responses: { '200': json(ref('DatasetList')), ...errors(401) },
      },
    },
    '/api/datasets/{name}/partitions': {
      get: {
        summary: 'The partition timeline of a dataset or stream: a window of partitions cut into buckets with counts by state (never one entry per partition)',
        parameters: [
          p('name', 'Dataset or stream'),
          q('from', 'First partition shown: a partition key or an ISO time (default: the first of the span)'),
          q('to', 'Last partition shown: a partition key (inclusive) or an ISO time (exclusive) (default: the last of the span)'),
          q('buckets', 'Most buckets (default 200, at most 2000)', { type: 'integer', minimum: 1, maximum: 2000 }),
        ],
        responses: { '200': json(ref('Timeline')), ...errors(400, 401, 404) },
      },
    },
    '/api/datasets/{name}/backfill': {
      post: {
        summary:
          "Build a range of a dataset's partitions again, fresh or not (a backfill): queues them with cause backfill and the code loaded now; a running `pond up` builds them within seconds, and what reads them after",
        description:
          'from and to are partition keys (inclusive) or ISO times; the range is cut to the partitions its inputs allow. dryRun answers what would be queued, and queues nothing (200).',
        parameters: [p('name', 'Dataset')],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', properties: { from: str, to: str, dryRun: { type: 'boolean' } } } } },
        },
        responses: { '202': accepted(ref('BackfillAnswer')), '200': json(ref('BackfillAnswer'), 'What a dry run would queue'), ...errors(400, 401, 404, 409) },
      },
    },
    '/api/grid': {
      get: {
        summary: 'Every stream and dataset × time: columns of a round width, and per row and column its partitions by state (never one entry per partition)',
        parameters: [
          q('from', 'Start: an ISO time or date (default: the earliest partition of anything)'),
          q('to', 'End: an ISO time or date (default: the end of the latest partition)'),
          q('columns', 'Most columns (default 120, at most 1000)', { type: 'integer', minimum: 1, maximum: 1000 }),
        ],
        responses: { '200': json(ref('Grid')), ...errors(400, 401) },
      },
    },
    '/api/backlog': {
      get: {
        summary:
          'What is left to build per dataset (stale, waiting for inputs, queued, running, failed), what builds now and next, and when the backlog should clear at the recent build rate',
        responses: { '200': json(ref('Backlog')), ...errors(401) },
      },
    },
    '/api/run-groups': {
      get: {
        summary: 'Runs grouped by the build, backfill or retry that caused them, newest first, a page of groups at a time',
        parameters: [
          q('dataset', 'Only this dataset'),
          q('partition', 'Only this partition (needs dataset)'),
          q('status', 'running, succeeded, failed or cancelled'),
          q('cause', 'new-data, missing, input-changed, code-changed, failed-earlier, forced, retry, backfill or manual'),
          q('group', 'Only this group (its id)'),
          q('page', 'Page (1: the newest groups)', { type: 'integer', minimum: 1 }),
          q('pageSize', 'Groups a page (default 20, at most 100)', { type: 'integer', minimum: 1, maximum: 100 }),
          q('runs', 'Runs shown of each group (default 10, at most 500)', { type: 'integer', minimum: 1, maximum: 500 }),
        ],
        responses: { '200': json(ref('RunGroupList')), ...errors(400, 401, 404) },
      },
    },
    '/api/datasets/{name}/schema-history': {
      get: {
        summary: 'The distinct schemas of the committed versions of a dataset or stream, oldest first, with what changed from the one before',
        parameters: [p('name', 'Dataset or stream')],
        responses: { '200': json(ref('SchemaHistory')), ...errors(401, 404) },
      },
    },
    '/api/sinks': {
      get: {
        summary: 'Every sink of every dataset: partitions published, behind and failing, last publish, first error, next retry',
        responses: { '200': json(ref('SinkList')), ...errors(401) },
      },
    },
    '/api/subjects/{id}/forget': {
      post: {
        summary:
          "Forget a data subject: record the request in the audit log and delete the subject's key at once; `pond up` then rebuilds every derived partition that held it",
        description:
          "The subject is the identifier's value as events carry it (a user id). The audit log keeps it only as its pseudonym. `requestedBy` defaults to the bearer token's fingerprint. A reason containing the subject or an email address is refused (400). A subject already forgotten (or being forgotten) is answered 200 with the request that forgot it and `alreadyForgotten: true`: nothing is recorded or rebuilt again.",
        parameters: [p('id', 'The data subject, as its identifier appears in events')],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['reason'], properties: { reason: str, requestedBy: str } } } },
        },
        responses: {
          '202': accepted(ref('ForgetAnswer')),
          '200': json(ref('ForgetAnswer'), 'Already forgotten by the request answered'),
          ...errors(400, 401),
        },
      },
    },
    '/api/forget-requests': {
      get: {
        summary: 'Forget requests (the audit log), newest first, with how many of the partitions that held the subject are rebuilt',
        parameters: [q('status', 'recorded, rebuilding or done', { type: 'string', enum: ['recorded', 'rebuilding', 'done'] }), limit],
        responses: { '200': json(ref('ForgetRequestList')), ...errors(400, 401) },
      },
    },
    '/api/forget-requests/{id}': {
      get: {
        summary: 'One forget request and its rebuilds',
        parameters: [p('id', 'Request id (fgt_…)')],
        responses: { '200': json(ref('ForgetRequestDetail')), ...errors(401, 404) },
      },
    },
    '/api/project': {
      get: {
        summary:
          'Which load of the project the server runs: `pond up` loads the project again when its files change, and keeps the last one that loaded when a change does not',
        responses: { '200': json(ref('ProjectStatus')), ...errors(401) },
      },
    },
    '/api/privacy': {
      get: {
        summary:
          'Every stream and dataset holding personal data, with its identifier and personal columns and where each class comes from (as `pond privacy --json`)',
        description:
          'unverified: a TypeScript dataset whose classes are guessed by column name. decrypts: the streams a dataset reads in clear (its `decrypt`); its personal columns hold clear values. ' +
          'Read from the project code only (no state, no lake), once per server.',
        responses: { '200': json(ref('PrivacyReport')), ...errors(401, 422) },
      },
    },
    '/api/datasets/{name}': {
      get: {
        summary: 'A dataset or stream: schema, partitions as ranges of one state, versions, checks, lineage, personal data',
        description: 'Streams are datasets too. personalData is null when it holds no personal data.',
        parameters: [
          p('name', 'Dataset or stream'),
          q('versions', 'Newest versions to list (default 20)', { type: 'integer' }),
          q('ranges', 'Most partition ranges (default 1000)', { type: 'integer' }),
          q('partition', 'Only the versions of this partition (a key)'),
        ],
        responses: { '200': json(ref('DatasetDetail')), ...errors(400, 401, 404, 422) },
      },
    },
    '/api/datasets/{name}/rows': {
      get: {
        summary: 'Rows of the current version of one partition, or of every partition',
        parameters: [p('name', 'Dataset or stream'), q('partition', 'A partition key, e.g. 2026-11-23T00:00Z/P1D or all'), format, limit],
        responses: { '200': table('The rows'), ...errors(400, 401, 404, 408) },
      },
    },
    '/api/runs': {
      get: {
        summary: 'Recent runs, newest first',
        parameters: [
          q('dataset', 'Only this dataset'),
          q('partition', 'Only this partition (needs dataset)'),
          q('status', 'running, succeeded, failed or cancelled'),
          q('cause', 'new-data, missing, input-changed, code-changed, failed-earlier, forced, retry, backfill or manual'),
          limit,
        ],
        responses: { '200': json(ref('RunList')), ...errors(400, 401, 404) },
      },
    },
    '/api/runs/{id}': {
      get: { summary: 'One run and its log', parameters: [p('id', 'Run id')], responses: { '200': json(ref('RunDetail')), ...errors(401, 404) } },
    },
    '/api/runs/{id}/retry': {
      post: {
        summary: "Queue the run's partition to build again (cause retry); a running `pond up` leases it within seconds",
        parameters: [p('id', 'Run id')],
        responses: {
          '202': accepted(ref('RetryAnswer')),
          ...errors(401, 404, 409),
        },
      },
    },
    '/api/runs/{id}/cancel': {
      post: {
        summary: "Cancel a running run (its build stops within about a second and the run ends cancelled), or a queued task by the task's id",
        parameters: [p('id', 'Run id, or the id of a queued task')],
        responses: { '202': accepted(ref('CancelAnswer')), ...errors(401, 404, 409) },
      },
    },
    '/api/checks': {
      get: {
        summary: 'Check results, newest first, with samples of failing rows',
        parameters: [
          q('dataset', 'Only this stream or dataset'),
          q('partition', 'Only this partition (needs dataset)'),
          q('version', 'Only this version'),
          q('failed', 'true: only failures'),
          limit,
        ],
        responses: { '200': json(ref('CheckList')), ...errors(400, 401, 404) },
      },
    },
    '/api/schemas': { get: { summary: "Every stream's schema in the registry", responses: { '200': json(ref('SchemaList')), ...errors(401) } } },
    '/api/schemas/{stream}': {
      get: {
        summary: "A stream's registered schema versions",
        parameters: [p('stream', 'Stream')],
        responses: { '200': json(ref('SchemaVersionList')), ...errors(401, 404) },
      },
    },
    '/api/schemas/{stream}/{version}': {
      get: {
        summary: 'One registered schema version (or latest)',
        parameters: [p('stream', 'Stream'), p('version', 'Version number or latest')],
        responses: { '200': json(ref('SchemaVersion')), ...errors(400, 401, 404) },
      },
    },
    '/api/streams': {
      get: {
        summary: 'Every stream: counts, watermark, rates, landing latency',
        responses: { '200': json(ref('StreamList')), ...errors(401) },
      },
    },
    '/api/streams/{name}': {
      get: {
        summary: 'One stream: counts, watermark, rates, landing latency',
        parameters: [p('name', 'Stream')],
        responses: { '200': json(ref('Stream')), ...errors(401, 404) },
      },
    },
    '/api/streams/{name}/dead-letters': {
      get: {
        summary: "A stream's dead letters with reasons and payloads, newest first",
        parameters: [p('name', 'Stream'), format, limit],
        responses: { '200': table('The dead letters'), ...errors(400, 401, 404, 408) },
      },
    },
    '/api/streams/{name}/tail': {
      get: {
        summary:
          "The last events the stream received, accepted and dead-lettered, oldest first, as they arrive: a long-poll. Pass the answer's `cursor` as `after` to get what comes next, and `wait` to hold the request until an event does. Personal values are masked",
        parameters: [
          p('name', 'Stream'),
          q('after', 'The cursor of the previous answer: only the events after it'),
          q('limit', 'Most events to answer (default and most: the capacity, 100)', { type: 'integer', minimum: 1 }),
          q('wait', 'Seconds to wait for an event when there is none yet (0 to 30; default 0)', { type: 'number', minimum: 0, maximum: 30 }),
          q('status', 'Only accepted events, or only dead letters', { type: 'string', enum: ['accepted', 'dead-letter'] }),
        ],
        responses: { '200': json(ref('StreamTail')), ...errors(400, 401, 404) },
      },
    },
    '/api/streams/{name}/dead-letters/readable': {
      get: {
        summary:
          "A stream's dead letters, newest first, as a person reads them: the reason and the event as sent, pretty-printed; in a stream with personal data decrypted and masked (personal fields hidden, identifiers as pseudonyms)",
        parameters: [p('name', 'Stream'), q('limit', 'Most dead letters (default 100, at most 1000)', { type: 'integer', minimum: 1, maximum: 1000 })],
        responses: { '200': json(ref('DeadLetterList')), ...errors(400, 401, 404) },
      },
    },
    '/api/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': json({ type: 'object' }) } } },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics (text format)',
        responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors(401) },
      },
    },
  },
} as const;
