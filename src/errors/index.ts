export { PondError, asPondError, ERROR_CODES } from './pond-error.ts';
export type { ErrorCode, PondErrorOptions } from './pond-error.ts';
export { redactUrl } from './redact-url.ts';
