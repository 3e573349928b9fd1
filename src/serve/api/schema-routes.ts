/** `GET /api/schemas…`: the schema registry, stream by stream and version by version (as `pond schema versions|show`). */
import type { FastifyInstance } from 'fastify';
import { PondError } from '../../errors/index.ts';
import { schemaFingerprint } from '../../schema/index.ts';
import type { SchemaVersion } from '../../state/index.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';

export function schemaRoutes(ctx: ApiContext) {
  const streamOf = (name: string) => {
    const stream = ctx.project.streams.get(name);
    if (!stream) throw new PondError('NOT_FOUND', `no stream named "${name}"`, { hint: `streams: ${[...ctx.project.streams.keys()].join(', ') || '(none)'}` });
    return stream;
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/schemas', async (): Promise<api.SchemaList> => {
      const latest = await ctx.state.latestSchemaVersions();
      return {
        schemas: [...ctx.project.streams.values()].map((s): api.StreamSchema => {
          const v = latest.get(s.name);
          return {
            stream: s.name,
            schemaFile: s.schemaFile,
            compatibility: s.compatibility,
            latestVersion: v?.version ?? null,
            projectMatchesLatest: v ? v.fingerprint === schemaFingerprint(s.schema) : false,
          };
        }),
      };
    });

    app.get<{ Params: { stream: string } }>('/api/schemas/:stream', async (request): Promise<api.SchemaVersionList> => {
      const stream = streamOf(request.params.stream);
      const versions = await ctx.state.schemaVersions(stream.name);
      const current = schemaFingerprint(stream.schema);
      return {
        stream: stream.name,
        versions: versions.map((v) => ({ ...versionSummaryJson(v), current: v.fingerprint === current && v === versions.at(-1) })),
      };
    });

    app.get<{ Params: { stream: string; version: string } }>('/api/schemas/:stream/:version', async (request): Promise<api.SchemaVersion> => {
      const stream = streamOf(request.params.stream);
      const wanted = request.params.version === 'latest' ? undefined : Number(request.params.version);
      if (wanted !== undefined && !(Number.isInteger(wanted) && wanted >= 1))
        throw new PondError('BAD_ARGUMENT', `version "${request.params.version}" is not a version number`, { hint: 'versions are 1, 2, 3 … or latest' });
      const versions = await ctx.state.schemaVersions(stream.name);
      const found = wanted === undefined ? versions.at(-1) : versions.find((v) => v.version === wanted);
      if (!found)
        throw new PondError('NOT_FOUND', `stream "${stream.name}" has no schema version ${request.params.version}`, {
          hint: versions.length > 0 ? `versions: 1 to ${versions.length}` : 'nothing is registered yet',
        });
      return versionJson(found);
    });
  };
}

function versionSummaryJson(v: SchemaVersion): api.SchemaVersionSummary {
  return { version: v.version, registeredAt: new Date(v.registeredAt).toISOString(), compatibility: v.compatibility, fingerprint: v.fingerprint };
}

function versionJson(v: SchemaVersion): api.SchemaVersion {
  return { ...versionSummaryJson(v), schema: JSON.parse(v.schema) as unknown };
}
