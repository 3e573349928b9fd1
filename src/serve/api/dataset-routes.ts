/**
 * `GET /api/datasets`, `/api/datasets/:name` and `/api/datasets/:name/rows`:
 * what `pond status` and `pond checks` show, as JSON. Partitions are given
 * as ranges of one state each (a million partitions in a few ranges), never
 * one entry per partition. Streams are datasets too: `:name` may be either.
 * The list gives each dataset's inputs, sinks, health and freshness (from
 * one plan); versions carry the reason of the run that built them.
 */
import type { FastifyInstance } from 'fastify';
import type { DatasetModel, NodeModel, ResolvedInput, StreamModel } from '../../config/index.ts';
import { dependantsOf } from '../../config/index.ts';
import { partitionKey } from '../../partition/index.ts';
import { PondError } from '../../errors/index.ts';
import { describeReason, groupRuns, keyOf, type DatasetPlan } from '../../orchestrate/index.ts';
import { quoteIdent } from '../../compute/index.ts';
import type { Column } from '../../model/index.ts';
import type { Version, RunLog, VersionStore } from '../../state/index.ts';
import { inputQuery } from '../../transform/index.ts';
import type * as api from './answers/index.ts';
import { findNode, partitionIdx, type ApiContext } from './api-context.ts';
import { checkSummaryJson } from './check-routes.ts';
import { ColumnNotes } from './column-notes.ts';
import { freshnessOf, healthOf } from './dataset-health.ts';
import { answerFormat, rowLimit, sendAnswer } from './send-answer.ts';

const MAX_RANGES = 10_000;

export function datasetRoutes(ctx: ApiContext) {
  const notes = new ColumnNotes(ctx.project, ctx.sql);
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/datasets', async (): Promise<api.DatasetList> => {
      const p = await ctx.plans.current();
      const now = p.at;
      const datasets = await Promise.all(
        [...p.datasets.values()].map(async (d): Promise<api.DatasetSummary> => ({
          ...summary(d.model),
          inputs: d.model.inputs.map((i) => i.source),
          inputMappings: d.model.inputs.map((i) => lineageInput(ctx, i)),
          sinks: d.model.sinks.map((s) => ({ name: s.name, kind: s.kind })),
          partitions: counts(d),
          health: await healthOf(ctx.state, d),
          freshness: await freshnessOf(ctx.project, ctx.state, d, now),
        })),
      );
      return { datasets };
    });

    app.get<{ Params: { name: string }; Querystring: { versions?: string; ranges?: string; partition?: string } }>(
      '/api/datasets/:name',
      async (request): Promise<api.DatasetDetail> => {
        const node = findNode(ctx.project, request.params.name);
        const versionLimit = rowLimit(request.query.versions, 20, 1000);
        const rangeLimit = rowLimit(request.query.ranges, 1000, MAX_RANGES);
        // The latest versions, or those of one partition.
        const idx = request.query.partition === undefined ? undefined : partitionIdx(node, request.query.partition);
        const versions = await ctx.state.listVersions(node.name, { idx, limit: versionLimit });
        const partitions = node.kind === 'dataset' ? await datasetPartitions(ctx, node, rangeLimit) : await streamPartitions(ctx.state, node, rangeLimit);
        const recent = await ctx.state.checkResults({ dataset: node.name, limit: 50 });
        return {
          ...summary(node),
          schema: schemaOf(node, versions),
          partitions,
          versions: await versionsJson(ctx.state, versions),
          checks: {
            declared: node.checks.map((c) => ({ name: c.name, kind: c.kind, severity: c.severity, description: c.description ?? null })),
            recent: recent.map(checkSummaryJson),
          },
          lineage: {
            inputs: node.kind === 'dataset' ? node.inputs.map((i) => lineageInput(ctx, i)) : [],
            dependants: dependantsOf(ctx.project, node.name).map((d) => d.name),
            sinks: node.kind === 'dataset' ? node.sinks.map((s) => ({ name: s.name, kind: s.kind })) : [],
          },
          personalData: await ctx.privacy.of(node.name),
          code: codeOf(node),
          columnNotes: await notes.of(node.name),
        };
      },
    );

    app.get<{ Params: { name: string }; Querystring: { partition?: string; format?: string; limit?: string } }>(
      '/api/datasets/:name/rows',
      async (request, reply) => {
        const node = findNode(ctx.project, request.params.name);
        const format = answerFormat(request, request.query.format);
        const limit = rowLimit(request.query.limit, ctx.project.api.defaultRows, ctx.project.api.maxRows);
        let sql = `select * from ${quoteIdent(node.name)}`;
        let filename = node.name;
        if (request.query.partition !== undefined) {
          const key = request.query.partition;
          const idx = partitionIdx(node, key);
          const [current] = await ctx.state.currentVersions(node.name, idx, idx + 1);
          if (!current)
            throw new PondError('NOT_FOUND', `partition ${key} of ${node.name} has no current version`, {
              hint: `GET /api/datasets/${node.name} lists its partitions`,
            });
          sql = inputQuery({ files: current.files.map((f) => ctx.lake.locate(f.path)), columns: current.schema });
          filename = `${node.name}-${key.replace(/[^\w.-]+/g, '_')}`;
        }
        return sendAnswer(reply, await ctx.sql.run(sql, { format, limit, trusted: true }), filename);
      },
    );
  };
}

/** An input as the lineage shows it: its name, its mapping, and its grain (with the dataset's own, what says how it is read). */
function lineageInput(ctx: ApiContext, input: ResolvedInput): api.LineageInput {
  const source = ctx.project.streams.get(input.source) ?? ctx.project.datasets.get(input.source);
  const p = source?.partitioning;
  return { alias: input.alias, source: input.source, mapping: input.mapping, grain: !p || p.kind === 'none' ? 'none' : p.grain.name };
}

function summary(node: NodeModel): api.NodeSummary {
  return {
    name: node.name,
    kind: node.kind,
    file: node.file,
    description: node.kind === 'dataset' ? (node.description ?? null) : null,
    grain: node.partitioning.kind === 'none' ? 'none' : node.partitioning.grain.name,
    partitionKey: node.partitioning.kind === 'none' ? 'all' : node.partitioning.grain.iso,
  };
}

function counts(d: DatasetPlan): api.PartitionCounts {
  const size = d.span ? d.span.end - d.span.start : 0;
  let fresh = 0;
  let failed = 0;
  for (let k = 0; k < size; k++) {
    if (d.failed[k]) failed++;
    if (d.reason[k] === 0) fresh++;
  }
  return {
    count: size,
    fresh,
    stale: size - fresh,
    failed,
    first: d.span ? keyOf(d, d.span.start) : null,
    last: d.span ? keyOf(d, d.span.end - 1) : null,
    waitingFor: d.waitingFor,
  };
}

async function datasetPartitions(ctx: ApiContext, model: DatasetModel, limit: number): Promise<api.DatasetPartitions> {
  const p = await ctx.plans.current();
  const d = p.datasets.get(model.name) as DatasetPlan;
  const runs = groupRuns(d, (k) => (d.reason[k] === 0 ? 'fresh' : d.failed[k] ? 'failed' : describeReason(d, k)));
  return {
    ...counts(d),
    ranges: runs.slice(0, limit).map((r) => ({ from: keyOf(d, r.start), to: keyOf(d, r.end - 1), partitions: r.end - r.start, state: r.value })),
    rangesTruncated: runs.length > limit,
    reasons: staleReasons(d),
  };
}

/** Why the partitions that are not fresh are to build, one entry per reason (and input), most partitions first: one sweep of the plan. */
function staleReasons(d: DatasetPlan): api.StaleReason[] {
  const size = d.span ? d.span.end - d.span.start : 0;
  // Keyed by reason and input: each reason's sentence is written once, not once per partition.
  const found = new Map<number, { k: number; partitions: number; waiting: number; first: number; last: number }>();
  for (let k = 0; k < size; k++) {
    if (d.reason[k] === 0) continue;
    const code = d.failed[k] ? -1 : d.reason[k]! * 256 + d.reasonInput[k]! + 1;
    const entry = found.get(code);
    const waiting = !d.failed[k] && d.planned[k] && !d.ready[k] ? 1 : 0;
    if (entry) {
      entry.partitions++;
      entry.waiting += waiting;
      entry.last = k;
    } else found.set(code, { k, partitions: 1, waiting, first: k, last: k });
  }
  const start = d.span?.start ?? 0;
  return [...found]
    .map(([code, e]) => ({
      reason: code === -1 ? 'failed' : describeReason(d, e.k),
      partitions: e.partitions,
      waiting: e.waiting,
      first: keyOf(d, start + e.first),
      last: keyOf(d, start + e.last),
    }))
    .sort((a, b) => b.partitions - a.partitions || a.reason.localeCompare(b.reason));
}

/** The transformation as the project holds it: its SQL, or its function as loaded. */
function codeOf(node: NodeModel): api.TransformationCode | null {
  if (node.kind !== 'dataset') return null;
  if (node.sql !== undefined) return { language: 'sql', text: dedent(node.sql) };
  if (node.transform !== undefined) return { language: 'typescript', text: dedent(String(node.transform)) };
  return null;
}

/** SQL written inside a template string: its common indentation and blank first and last lines gone. */
function dedent(text: string): string {
  const lines = text
    .replace(/^\s*\n/, '')
    .replace(/\n\s*$/, '')
    .split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

async function streamPartitions(state: VersionStore, stream: StreamModel, limit: number): Promise<api.StreamPartitions> {
  const runs = await state.statusRuns(stream.name);
  const key = (idx: number) => partitionKey(stream.partitioning, idx);
  const count = runs.reduce((n, r) => n + (r.end - r.start), 0);
  const failed = runs.filter((r) => r.status === 'failed').reduce((n, r) => n + (r.end - r.start), 0);
  return {
    count,
    failed,
    first: runs[0] ? key(runs[0].start) : null,
    last: runs.at(-1) ? key((runs.at(-1)?.end ?? 1) - 1) : null,
    ranges: runs.slice(0, limit).map((r) => ({ from: key(r.start), to: key(r.end - 1), partitions: r.end - r.start, state: r.status })),
    rangesTruncated: runs.length > limit,
  };
}

function schemaOf(node: NodeModel, versions: readonly Version[]): readonly Column[] {
  const built = versions.find((v) => v.state === 'committed')?.schema;
  if (built && built.length > 0) return built;
  if (node.kind === 'stream') return node.columns;
  return Object.entries(node.columns ?? {}).map(([name, type]) => ({ name, type }));
}

/** Versions with the reason of the run that made each (one query for the page), or `landed` for raw data. */
async function versionsJson(state: RunLog, versions: readonly Version[]): Promise<api.Version[]> {
  const ids = [...new Set(versions.map((v) => v.runId).filter((id): id is string => id !== null))];
  const runs = new Map((ids.length > 0 ? await state.listRuns({ ids, limit: ids.length }) : []).map((r) => [r.id, r.reason]));
  return versions.map((v) => ({ ...versionJson(v), reason: v.runId !== null ? (runs.get(v.runId) ?? null) : v.cause === 'new-data' ? 'landed' : v.cause }));
}

function versionJson(v: Version): Omit<api.Version, 'reason'> {
  return {
    id: v.id,
    partition: v.key,
    state: v.state,
    rows: v.rows,
    bytes: v.bytes,
    files: v.files.length,
    cause: v.cause,
    runId: v.runId,
    inputs: v.inputs,
    codeFingerprint: v.codeFingerprint,
    createdAt: new Date(v.createdAt).toISOString(),
    buildMs: v.buildMs,
  };
}
