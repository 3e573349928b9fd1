/**
 * Answer formats of the data API: the `format` parameter wins, else the
 * Accept header picks CSV or Parquet, else JSON. CSV and Parquet answers are
 * files DuckDB wrote; they are streamed and deleted once sent.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PondError } from '../../errors/index.ts';
import type { Table } from './answers/index.ts';
import type { Answer, AnswerFormat } from './read-only-sql.ts';

export const CONTENT_TYPES: Readonly<Record<AnswerFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

const FORMATS = Object.keys(CONTENT_TYPES) as AnswerFormat[];

/** The format a request asks for; BAD_ARGUMENT for one Pond does not write. */
export function answerFormat(request: FastifyRequest, explicit: unknown): AnswerFormat {
  if (explicit !== undefined && explicit !== null && explicit !== '') {
    const f = String(explicit).toLowerCase();
    if ((FORMATS as string[]).includes(f)) return f as AnswerFormat;
    throw new PondError('BAD_ARGUMENT', `format "${String(explicit)}" is not one of ${FORMATS.join(', ')}`);
  }
  const accept = request.headers.accept ?? '';
  if (/\btext\/csv\b/i.test(accept)) return 'csv';
  if (/application\/(vnd\.apache\.parquet|x-parquet)/i.test(accept)) return 'parquet';
  return 'json';
}

/** A row limit from a request: the default when absent, BAD_ARGUMENT when not a whole number in [1, max]. */
export function rowLimit(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new PondError('BAD_ARGUMENT', `limit ${String(value)} is not a whole number from 1 to ${max}`, {
      hint: 'api.maxRows in pond.config.ts sets the most',
    });
  return n;
}

export async function sendAnswer(reply: FastifyReply, answer: Answer, filename: string): Promise<FastifyReply> {
  reply
    .header('pond-rows', String(answer.format === 'json' ? answer.rows.length : answer.rows))
    .header('pond-truncated', String(answer.truncated))
    .header('pond-query-ms', String(answer.ms));
  if (answer.format === 'json') {
    return reply
      .type(CONTENT_TYPES.json)
      .send({ columns: answer.columns, rows: answer.rows, rowCount: answer.rows.length, truncated: answer.truncated, ms: answer.ms } satisfies Table);
  }
  const stream = createReadStream(answer.file);
  stream.once('close', () => void rm(answer.file, { force: true }));
  return reply.type(CONTENT_TYPES[answer.format]).header('content-disposition', `attachment; filename="${filename}.${answer.format}"`).send(stream);
}
