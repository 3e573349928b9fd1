export { PondError, asPondError, ERROR_CODES } from './pond-error.ts';
export type { ErrorCode, PondErrorOptions } from './pond-error.ts';
export { redactUrl } from './redact-url.ts';
export { closestName, didYouMean, editDistance } from './did-you-mean.ts';
export { withoutServerPaths } from './redact-paths.ts';
