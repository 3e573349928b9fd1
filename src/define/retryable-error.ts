/**
 * Thrown by a TypeScript transformation when trying again later can succeed
 * (a service that is busy, a file not there yet): the build is retried with
 * backoff, up to the dataset's `retries.attempts`. Any other error fails the
 * partition at once, because running the same code on the same inputs would
 * fail the same way.
 *
 * @example
 * if (response.status === 503) throw new RetryableError('the pricing service is busy');
 */
export class RetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableError';
  }
}
