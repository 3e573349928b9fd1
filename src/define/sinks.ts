/**
 * Sinks: where a dataset's partitions are published once their version is
 * committed (its `error` checks passed). These functions only record what the
 * user wrote; `config/` validates it and `sink/` does the publishing.
 */

export interface PostgresSinkOptions {
  /** A `postgres://` URL; keep secrets out of the code, e.g. `process.env.SHOP_PG_URL`. */
  url: string;
  /** Table name. Default: the dataset's name. */
  table?: string;
  /** PostgreSQL schema of the table. Default `public`. */
  schema?: string;
  /** Names the sink in `pond sinks` and the sink state. Default `postgres`. */
  name?: string;
}

export interface SqliteSinkOptions {
  /** The database file, relative to the project folder (created when missing). */
  file: string;
  /** Table name. Default: the dataset's name. */
  table?: string;
  /** Default `sqlite`. */
  name?: string;
}

export interface WebhookSinkOptions {
  /** Where the batches are POSTed. */
  url: string;
  /** Key of the HMAC-SHA256 signature sent in `X-Pond-Signature` (keep it in an env var). */
  secret: string;
  /** Rows per request. Default 1,000. */
  batchRows?: number;
  /** Default `webhook`. */
  name?: string;
}

export interface FilesSinkOptions {
  /** The folder, relative to the project folder; one file per partition under `<dataset>/`. */
  dir: string;
  format: 'csv' | 'parquet';
  /** Default `files`. */
  name?: string;
}

export type SinkDefinition =
  | ({ readonly type: 'sink'; readonly kind: 'postgres' } & Readonly<PostgresSinkOptions>)
  | ({ readonly type: 'sink'; readonly kind: 'sqlite' } & Readonly<SqliteSinkOptions>)
  | ({ readonly type: 'sink'; readonly kind: 'webhook' } & Readonly<WebhookSinkOptions>)
  | ({ readonly type: 'sink'; readonly kind: 'files' } & Readonly<FilesSinkOptions>);

/**
 * Sink constructors, used as `sinks: [...]` on a dataset.
 *
 * @example
 * export const daily = dataset({
 *   name: 'daily_sales',
 *   inputs: { purchases },
 *   sql: `select sku, sum(amount) as revenue from purchases group by sku`,
 *   sinks: [
 *     sink.sqlite({ file: '.pond/serve.db' }),
 *     sink.postgres({ url: process.env.SHOP_PG_URL! }),
 *     sink.webhook({ url: 'https://example.com/hook', secret: process.env.HOOK_SECRET! }),
 *     sink.files({ dir: 'exports', format: 'csv' }),
 *   ],
 * });
 */
export const sink = {
  /** A PostgreSQL table; each partition is replaced in one transaction. */
  postgres: (options: PostgresSinkOptions): SinkDefinition => Object.freeze({ ...options, type: 'sink' as const, kind: 'postgres' as const }),
  /** A table in a SQLite file; each partition is replaced in one transaction. */
  sqlite: (options: SqliteSinkOptions): SinkDefinition => Object.freeze({ ...options, type: 'sink' as const, kind: 'sqlite' as const }),
  /** Batches of rows as signed JSON POSTs. */
  webhook: (options: WebhookSinkOptions): SinkDefinition => Object.freeze({ ...options, type: 'sink' as const, kind: 'webhook' as const }),
  /** One CSV or Parquet file per partition in a folder, replaced atomically. */
  files: (options: FilesSinkOptions): SinkDefinition => Object.freeze({ ...options, type: 'sink' as const, kind: 'files' as const }),
};
