import type { SinkModel } from '../config/index.ts';
import { FilesSink } from './files/files-sink.ts';
import { PostgresSink } from './postgres/postgres-sink.ts';
import type { Sink } from './sink.ts';
import { SqliteSink } from './sqlite/sqlite-sink.ts';
import { WebhookSink } from './webhook/webhook-sink.ts';

/** Where a sink's errors point: `dataset "daily_sales" sink "postgres"`. */
export function sinkWhere(dataset: string, sink: SinkModel): string {
  return `dataset "${dataset}" sink "${sink.name}"`;
}

/** The sink a validated model describes; it connects on first publish. */
export function openSink(dataset: string, model: SinkModel): Sink {
  const where = sinkWhere(dataset, model);
  switch (model.kind) {
    case 'postgres':
      return new PostgresSink({ url: model.url, schema: model.schema, table: model.table, where });
    case 'sqlite':
      return new SqliteSink({ file: model.file, table: model.table, where });
    case 'webhook':
      return new WebhookSink({ url: model.url, secret: model.secret, batchRows: model.batchRows, where });
    case 'files':
      return new FilesSink({ dir: model.dir, format: model.format, where });
  }
}
