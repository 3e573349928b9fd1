/**
 * `POST /api/datasets/:name/backfill {from, to, dryRun?}`: queues every
 * partition of a dataset from `from` to `to` (partition keys, inclusive, or
 * ISO times) to build again, fresh or not, within the span its inputs allow.
 * The tasks carry the cause `backfill`, a reason naming the backfill
 * (`backfill bf_…: …`, so its runs group together), and the code fingerprint
 * loaded now: a worker with other code leaves them to one with this code.
 * A running `pond up` leases them within seconds. `dryRun` answers what would
 * be queued (the UI's confirmation), and queues nothing.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import type { DatasetPlan } from '../../orchestrate/index.ts';
import { partitionKey } from '../../partition/index.ts';
import type { NewTask } from '../../state/index.ts';
import type * as api from './answers/index.ts';
import { findNode, type ApiContext } from './api-context.ts';
import { bound } from './partition-routes.ts';

/** The most partitions one request queues (a backfill of a hundred thousand small partitions is ordinary). */
const MAX_PARTITIONS = 1_000_000;
const CHUNK = 50_000;

export function backfillRoute(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Params: { name: string }; Body: unknown; Reply: { 200: api.BackfillAnswer; 202: api.BackfillAnswer } }>(
      '/api/datasets/:name/backfill',
      async (request, reply) => {
        const node = findNode(ctx.project, request.params.name);
        if (node.kind !== 'dataset')
          throw new PondError('BAD_ARGUMENT', `${node.name} is a stream: its partitions are landed from events, not built`, {
            hint: 'backfill a dataset that reads it',
          });
        const body = (request.body ?? {}) as Record<string, unknown>;
        if (typeof body !== 'object' || Array.isArray(body)) throw new PondError('BAD_ARGUMENT', 'the body must be a JSON object { from, to, dryRun? }');
        const text = (field: 'from' | 'to'): string | undefined => {
          const v = body[field];
          if (v === undefined || v === null || v === '') return undefined;
          if (typeof v !== 'string') throw new PondError('BAD_ARGUMENT', `${field} must be a partition key or an ISO time, as a string`);
          return v;
        };
        const p = node.partitioning;
        const d = (await ctx.plans.current()).datasets.get(node.name) as DatasetPlan;
        if (!d.span)
          throw new PondError('CONFLICT', `nothing of ${node.name} can be built yet: ${d.waitingFor ?? 'its inputs have no data'}`, {
            hint: 'a backfill builds partitions whose inputs are complete',
          });
        const fromText = text('from');
        const toText = text('to');
        if (p.kind === 'time' && (fromText === undefined || toText === undefined))
          throw new PondError('BAD_ARGUMENT', 'from and to are required: the first and the last partition to build', {
            hint: `e.g. {"from": "${partitionKey(p, d.span.start)}", "to": "${partitionKey(p, d.span.end - 1)}"}`,
          });
        const from = Math.max(d.span.start, bound(p, node.name, 'from', fromText) ?? d.span.start);
        const to = Math.min(d.span.end, bound(p, node.name, 'to', toText) ?? d.span.end);
        const key = (idx: number) => partitionKey(p, idx);
        if (to <= from)
          throw new PondError('BAD_ARGUMENT', `no partition of ${node.name} lies from ${fromText} to ${toText} within what its inputs allow`, {
            hint: `its partitions span ${key(d.span.start)} … ${key(d.span.end - 1)}`,
          });
        const partitions = to - from;
        if (partitions > MAX_PARTITIONS)
          throw new PondError('BAD_ARGUMENT', `${partitions} partitions: a backfill queues at most ${MAX_PARTITIONS} at once`, { hint: 'split the range' });
        const dryRun = body.dryRun === true;
        const answer = { dataset: node.name, from: key(from), to: key(to - 1), partitions, dryRun };
        if (dryRun) return reply.code(200).send({ ...answer, id: null, queued: 0, alreadyQueued: 0, reason: null });
        const id = `bf_${randomBytes(4).toString('hex')}`;
        const reason = `backfill ${id}: ${answer.from}${partitions > 1 ? ` … ${answer.to}` : ''} (${partitions} partition${partitions === 1 ? '' : 's'})`;
        let queued = 0;
        for (let start = from; start < to; start += CHUNK) {
          const tasks: NewTask[] = [];
          for (let idx = start; idx < Math.min(to, start + CHUNK); idx++)
            tasks.push({
              dataset: node.name,
              idx,
              key: key(idx),
              cause: 'backfill',
              reason,
              priority: node.depth,
              maxAttempts: node.retries.attempts,
              codeFingerprint: node.codeFingerprint,
            });
          queued += await ctx.state.enqueueTasks(tasks);
        }
        return reply.code(202).send({ ...answer, id, queued, alreadyQueued: partitions - queued, reason });
      },
    );
  };
}
