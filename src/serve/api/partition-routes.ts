/**
 * `GET /api/datasets/:name/partitions?from=&to=&buckets=`: the zoomable
 * partition timeline of a dataset or stream. The window (partition keys or
 * ISO times, default the whole span) is cut into at most `buckets` buckets
 * (default 200, at most 2000) of equal width, each with its counts of fresh,
 * stale, missing and failed partitions (see partition-timeline.ts).
 */
import type { FastifyInstance } from 'fastify';
import { parseInstant, parsePartitionKey, partitionKey, type Partitioning } from '../../partition/index.ts';
import { PondError } from '../../errors/index.ts';
import type { DatasetPlan } from '../../orchestrate/index.ts';
import type * as api from './answers/index.ts';
import { findNode, type ApiContext } from './api-context.ts';
import { datasetBuckets, streamBuckets, type BucketCounts, type IdxRange } from './partition-timeline.ts';

const DEFAULT_BUCKETS = 200;
const MAX_BUCKETS = 2000;

export function partitionRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { name: string }; Querystring: { from?: string; to?: string; buckets?: string } }>(
      '/api/datasets/:name/partitions',
      async (request): Promise<api.Timeline> => {
        const node = findNode(ctx.project, request.params.name);
        const wanted = bucketCount(request.query.buckets);
        const p = node.partitioning;
        let span: IdxRange | null;
        let count: (window: IdxRange) => BucketCounts;
        if (node.kind === 'dataset') {
          const d = (await ctx.plans.current()).datasets.get(node.name) as DatasetPlan;
          span = d.span;
          count = (window) => datasetBuckets(d, window, wanted);
        } else {
          // The columns the planner reads (cached by the store): far cheaper than status runs at a million partitions.
          const columns = await ctx.state.partitionColumns(node.name);
          const n = columns.idx.length;
          span = n > 0 ? { start: columns.idx[0] as number, end: (columns.idx[n - 1] as number) + 1 } : null;
          count = (window) => streamBuckets(columns, window, wanted);
        }
        const from = bound(p, node.name, 'from', request.query.from);
        const to = bound(p, node.name, 'to', request.query.to);
        if (from !== undefined && to !== undefined && to <= from)
          throw new PondError('BAD_ARGUMENT', `from ${request.query.from} is after to ${request.query.to}`, {
            hint: 'from is the first partition (or time) shown, to the last',
          });
        const key = (idx: number) => partitionKey(p, idx);
        const time = (idx: number) => (p.kind === 'none' ? null : new Date(p.grain.start(idx)).toISOString());
        const window = span ? { start: Math.max(span.start, from ?? span.start), end: Math.min(span.end, to ?? span.end) } : null;
        const shown = window && window.end > window.start ? window : null;
        const counts = shown ? count(shown) : undefined;
        return {
          name: node.name,
          grain: p.kind === 'none' ? 'none' : p.grain.name,
          count: span ? span.end - span.start : 0,
          first: span ? key(span.start) : null,
          last: span ? key(span.end - 1) : null,
          from: shown ? key(shown.start) : null,
          to: shown ? key(shown.end - 1) : null,
          fromTime: shown ? time(shown.start) : null,
          toTime: shown ? time(shown.end) : null,
          partitionsPerBucket: counts?.per ?? 0,
          buckets:
            shown && counts
              ? Array.from(counts.partitions, (partitions, b): api.Bucket => {
                  const start = shown.start + b * counts.per;
                  const end = start + partitions;
                  return {
                    from: key(start),
                    to: key(end - 1),
                    fromTime: time(start),
                    toTime: time(end),
                    partitions,
                    fresh: counts.fresh[b] ?? 0,
                    stale: counts.stale[b] ?? 0,
                    missing: counts.missing[b] ?? 0,
                    failed: counts.failed[b] ?? 0,
                  };
                })
              : [],
        };
      },
    );
  };
}

function bucketCount(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_BUCKETS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BUCKETS)
    throw new PondError('BAD_ARGUMENT', `buckets ${value} is not a whole number from 1 to ${MAX_BUCKETS}`, { hint: `default ${DEFAULT_BUCKETS}` });
  return n;
}

/**
 * A window bound as a window number: `from` is the first window shown, `to`
 * the window after the last. Either is a partition key (inclusive) or an ISO
 * time (`to` exclusive: windows that start before it).
 */
export function bound(p: Partitioning, name: string, which: 'from' | 'to', text: string | undefined): number | undefined {
  if (text === undefined || text === '' || p.kind === 'none') return undefined;
  const idx = parsePartitionKey(p, text);
  if (idx !== undefined) return which === 'from' ? idx : idx + 1;
  const ms = parseInstant(text);
  if (ms === undefined) {
    throw new PondError('BAD_ARGUMENT', `${which} "${text}" is neither a partition key of ${name} nor an ISO time`, {
      hint: `e.g. ${partitionKey(p, p.grain.index(Date.now()))} or 2026-01-01T00:00Z`,
    });
  }
  return which === 'from' ? p.grain.index(ms) : p.grain.index(ms - 1) + 1;
}
