/**
 * Which columns of each stream and dataset identify a data subject or hold
 * personal data about them, with where each class comes from (see
 * `privacy/`): `personalData` of `GET /api/datasets/:name`, and
 * `GET /api/privacy`. Computed once per server, on the first request that
 * needs it, by parsing the datasets' SQL with the API's own DuckDB: the
 * project does not change while the server runs.
 */
import type { FastifyInstance } from 'fastify';
import type { Project } from '../../config/index.ts';
import { classifyProject, duckdbSqlParser, privacyReport, type NodePrivacy, type PrivacyReport } from '../../privacy/index.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';
import type { ReadOnlySql } from './read-only-sql.ts';

/**
 * The project's classes, classified on first use and kept.
 *
 * @example
 * const privacy = new ProjectPrivacy(project, sql);
 * await privacy.of('purchase_items') // { identifiers: ['user_id'], personal: ['device_id'], source: { … }, unverified: false }
 * (await privacy.report()).personalData.map((n) => n.name) // ['users', 'user_events', …]
 */
export class ProjectPrivacy {
  #all: Promise<Map<string, NodePrivacy>> | undefined;
  readonly #parse;

  constructor(
    private readonly project: Project,
    sql: ReadOnlySql,
  ) {
    // Parsing needs no lake views: defining them costs as much as the lake is large.
    this.#parse = duckdbSqlParser({ rows: (text) => sql.rowsWithoutLake(text) });
  }

  async classes(): Promise<ReadonlyMap<string, NodePrivacy>> {
    this.#all ??= classifyProject(this.project, this.#parse);
    // A failed classification (an invalid `pii` override) is reported on every request, not cached.
    return this.#all.catch((error: unknown) => {
      this.#all = undefined;
      throw error;
    });
  }

  /** As `pond privacy --json`. */
  async report(): Promise<PrivacyReport> {
    return privacyReport(await this.classes());
  }

  /** One stream's or dataset's classes, or null when it holds no personal data. */
  async of(name: string): Promise<api.PersonalData | null> {
    const node = (await this.classes()).get(name);
    if (!node || node.columns.length === 0) return null;
    return {
      identifiers: node.identifiers,
      personal: node.personal,
      source: Object.fromEntries(node.columns.map((c) => [c.column, c.source])),
      unverified: node.unverified,
    };
  }
}

/** `GET /api/privacy`: every stream and dataset with personal data, as `pond privacy --json`. */
export function privacyRoute(ctx: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/privacy', async (): Promise<api.PrivacyReport> => ctx.privacy.report());
  };
}
