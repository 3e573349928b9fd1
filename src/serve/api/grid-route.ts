/**
 * `GET /api/grid?from=&to=&columns=`: every stream and dataset × time, like
 * Airflow's grid but at any scale: one time axis cut into at most `columns`
 * columns of a round width (default 120, at most 1000), and per row and column
 * the partitions by state (see partition-grid.ts). The window is ISO times or
 * dates (default: the whole span of every stream and dataset). Datasets are
 * read from the one shared plan, streams from their partition columns.
 */
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import { parseInstant, type Partitioning } from '../../partition/index.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';
import { datasetRow, gridAxis, streamRow, type GridCounts } from './partition-grid.ts';

const DEFAULT_COLUMNS = 120;
const MAX_COLUMNS = 1000;
const DAY = 86_400_000;

export function gridRoute(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: { from?: string; to?: string; columns?: string } }>('/api/grid', async (request): Promise<api.Grid> => {
      const columns = columnCount(request.query.columns);
      const p = await ctx.plans.current();
      // The whole span: from the earliest window of anything to the end of the latest.
      let first = Infinity;
      let last = -Infinity;
      const cover = (part: Partitioning, span: { start: number; end: number } | null) => {
        if (part.kind !== 'time' || !span) return;
        first = Math.min(first, part.grain.start(span.start));
        last = Math.max(last, part.grain.start(span.end));
      };
      for (const s of p.streams.values()) cover(s.partitioning, s.span);
      for (const d of p.datasets.values()) cover(d.partitioning, d.span);
      const hasData = Number.isFinite(first);
      const from = instant('from', request.query.from) ?? (hasData ? first : p.at - DAY);
      const to = instant('to', request.query.to) ?? (hasData ? last : p.at);
      if (to <= from)
        throw new PondError(
          'BAD_ARGUMENT',
          `from ${request.query.from ?? new Date(from).toISOString()} is not before to ${request.query.to ?? new Date(to).toISOString()}`,
          {
            hint: 'from is the start of the first column, to the end of the last',
          },
        );
      const axis = gridAxis(from, to, columns);
      const row = (name: string, kind: 'stream' | 'dataset', part: Partitioning, counts: GridCounts): api.GridRow => ({
        name,
        kind,
        grain: part.kind === 'none' ? 'none' : part.grain.name,
        partitions: [...counts.partitions],
        fresh: [...counts.fresh],
        stale: [...counts.stale],
        missing: [...counts.missing],
        failed: [...counts.failed],
      });
      const rows: api.GridRow[] = [];
      for (const s of p.streams.values()) rows.push(row(s.name, 'stream', s.partitioning, streamRow(s.partitioning, s.columns, axis)));
      for (const d of p.datasets.values()) rows.push(row(d.name, 'dataset', d.partitioning, datasetRow(d, axis)));
      return {
        from: new Date(axis.from).toISOString(),
        to: new Date(axis.from + axis.count * axis.width).toISOString(),
        columnMs: axis.width,
        columns: axis.count,
        first: hasData ? new Date(first).toISOString() : null,
        last: hasData ? new Date(last).toISOString() : null,
        rows,
      };
    });
  };
}

function columnCount(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_COLUMNS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_COLUMNS)
    throw new PondError('BAD_ARGUMENT', `columns ${value} is not a whole number from 1 to ${MAX_COLUMNS}`, { hint: `default ${DEFAULT_COLUMNS}` });
  return n;
}

function instant(which: 'from' | 'to', text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = parseInstant(text);
  if (ms === undefined) throw new PondError('BAD_ARGUMENT', `${which} "${text}" is not an ISO time or date`, { hint: 'e.g. 2026-11-24 or 2026-11-24T07:00Z' });
  return ms;
}
