/**
 * One error type for all of Pond, with a closed set of codes. Each code maps to
 * a CLI exit code and an HTTP status in one table, and says whether retrying
 * the same work can help (tRPC's code table; Inngest's NonRetriableError).
 */

export const ERROR_CODES = {
  /** The project cannot be loaded: bad file, bad field, cycle, unfit mapping. */
  INVALID_PROJECT: { exit: 2, http: 422, retryable: false },
  /** Arguments or options given to a command or endpoint are wrong. */
  BAD_ARGUMENT: { exit: 2, http: 400, retryable: false },
  /** A named thing (dataset, stream, partition, run) does not exist. */
  NOT_FOUND: { exit: 2, http: 404, retryable: false },
  /** An input file or event cannot be read as data. */
  BAD_INPUT: { exit: 2, http: 400, retryable: false },
  /** A transformation failed because of its own code (SQL error, thrown error). */
  TRANSFORM_FAILED: { exit: 1, http: 500, retryable: false },
  /** A new version failed an `error`-severity check and was quarantined; the data, not the code, must change. */
  CHECK_FAILED: { exit: 1, http: 422, retryable: false },
  /** Inputs were not ready or changed under a build; trying later can help. */
  INPUT_NOT_READY: { exit: 1, http: 409, retryable: true },
  /** Storage (lake or state) failed in a way that may pass: I/O, locks, connections. */
  STORAGE_UNAVAILABLE: { exit: 1, http: 503, retryable: true },
  /** A create-only write found the object already there. */
  ALREADY_EXISTS: { exit: 1, http: 409, retryable: false },
  /** Another writer changed the same thing first (a partition's current version); doing it again on the new state can help. */
  CONFLICT: { exit: 1, http: 409, retryable: true },
  /** The work was cancelled on request. */
  CANCELLED: { exit: 1, http: 409, retryable: false },
  /** The work took longer than it may (a query past the API's timeout); a cheaper request can succeed. */
  TIMED_OUT: { exit: 1, http: 408, retryable: false },
  /** A bug or a state Pond did not expect. */
  INTERNAL: { exit: 1, http: 500, retryable: false },
} as const satisfies Record<string, { exit: number; http: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface PondErrorOptions {
  cause?: unknown;
  /** Overrides the code's default: whether running the same work again can succeed. */
  retryable?: boolean;
  /** Where the problem is: a file, a field, a dataset, a partition. Shown to the user. */
  where?: string;
  /** What the user can do about it. */
  hint?: string;
}

/**
 * @example
 * throw new PondError('INVALID_PROJECT', "unknown input 'users'", {
 *   where: 'pipelines/orders.ts: dataset "orders" field inputs.users',
 *   hint: 'declare a stream or dataset named "users", or fix the name',
 * });
 */
export class PondError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly where: string | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: PondErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PondError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.where = options.where;
    this.hint = options.hint;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  /** The message as a user reads it: where, what, and what to do. */
  describe(): string {
    const parts = [this.where ? `${this.where}: ${this.message}` : this.message];
    if (this.hint) parts.push(`  hint: ${this.hint}`);
    return parts.join('\n');
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, where: this.where, hint: this.hint, retryable: this.retryable };
  }
}

/** Any thrown value as a PondError; unknown errors become INTERNAL (or keep their own retryability). */
export function asPondError(error: unknown, fallback: ErrorCode = 'INTERNAL'): PondError {
  if (error instanceof PondError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PondError(fallback, message, { cause: error });
}
