/** The data API: read-only SQL over the lake, datasets, runs, checks, schemas and streams, behind bearer tokens. */
export type * from './answers/index.ts';
export { apiRoutes, type ApiRoutesOptions } from './api-routes.ts';
export { assertApiExposure, isLoopback } from './bearer-auth.ts';
export { OPENAPI_DOCUMENT } from './openapi.ts';
export { ReadOnlySql, type Answer, type AnswerFormat } from './read-only-sql.ts';
