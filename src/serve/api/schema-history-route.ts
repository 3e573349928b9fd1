/**
 * `GET /api/datasets/:name/schema-history`: the distinct column lists a
 * dataset's (or stream's) committed versions had, oldest first, each with
 * its first version, when it was first and last seen, how many versions had
 * it, and what changed from the one before (columns added, removed, retyped).
 * Grouped in the state store, so a million versions answer in one scan.
 */
import type { FastifyInstance } from 'fastify';
import type { Column } from '../../model/index.ts';
import type * as api from './answers/index.ts';
import { findNode, type ApiContext } from './api-context.ts';

export function schemaHistoryRoute(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { name: string } }>('/api/datasets/:name/schema-history', async (request): Promise<api.SchemaHistory> => {
      const node = findNode(ctx.project, request.params.name);
      const spans = await ctx.state.schemaHistory(node.name);
      return {
        name: node.name,
        schemas: spans.map((s, i): api.SchemaSpan => ({
          columns: s.schema,
          firstVersion: s.firstVersion,
          firstSeen: new Date(s.firstSeen).toISOString(),
          lastSeen: new Date(s.lastSeen).toISOString(),
          versions: s.versions,
          changes: schemaChanges(spans[i - 1]?.schema ?? [], s.schema),
        })),
      };
    });
  };
}

/** What changed from one column list to the next, by column name. */
export function schemaChanges(before: readonly Column[], after: readonly Column[]): api.SchemaSpan['changes'] {
  const old = new Map(before.map((c) => [c.name, c.type]));
  const now = new Map(after.map((c) => [c.name, c.type]));
  return {
    added: after.filter((c) => !old.has(c.name)),
    removed: before.filter((c) => !now.has(c.name)),
    retyped: after.filter((c) => old.has(c.name) && old.get(c.name) !== c.type).map((c) => ({ name: c.name, from: old.get(c.name) as string, to: c.type })),
  };
}
