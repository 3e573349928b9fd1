/**
 * The data API's answers, as the server declares them: its route handlers
 * are typed against these same types, so the UI reads what the API sends.
 * Type-only: nothing of the server reaches the browser's bundle.
 */
export type * from '../../src/serve/api/answers/index.ts';
