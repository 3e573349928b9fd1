/**
 * What the data API answers, written once. The route handlers are typed
 * against these shapes, so the compiler checks that each route produces its
 * answer; the web UI imports them (type-only, through `ui/src/types.ts`);
 * the OpenAPI document describes the same shapes under the same names
 * (`openapi-schemas.ts`), and `test/api-contract.test.ts` checks real
 * answers against it, property by property. Times are ISO text, durations
 * milliseconds.
 *
 * Types only, and no import from outside this folder (a lint rule keeps it
 * so): the browser's build reads them, and must not reach the server's code
 * through them.
 *
 * @example
 * // A route names its answer; a literal that differs fails the typecheck.
 * app.get('/api/sinks', async (): Promise<api.SinkList> => ({ sinks: … }));
 * // The UI asks for it by the same name (ui/src/types.ts re-exports these types).
 * const sinks = useApi<SinkList>('sinks');
 */
export type * from './backfill-answers.ts';
export type * from './backlog-answers.ts';
export type * from './check-answers.ts';
export type * from './dataset-answers.ts';
export type * from './dead-letter-answers.ts';
export type * from './grid-answers.ts';
export type * from './privacy-answers.ts';
export type * from './project-answers.ts';
export type * from './run-answers.ts';
export type * from './run-group-answers.ts';
export type * from './schema-answers.ts';
export type * from './stream-answers.ts';
export type * from './table.ts';
export type * from './tail-answers.ts';
