/**
 * Quality checks, declared on streams and datasets with `checks: [...]`.
 * Each runs on every new version of a partition before it becomes current:
 * an `error` failure keeps the version out of use (quarantined) and stops
 * the partitions that depend on it; a `warn` failure is recorded and shown.
 */
import type { Duration } from './duration.ts';

export type Severity = 'error' | 'warn';

export interface CheckOptions {
  /** `'error'` (default) quarantines a failing version; `'warn'` only records the failure. */
  severity?: Severity;
  /** Unique among the checks of one stream or dataset. Default: made from the kind and its columns, e.g. `not_null(user_id)`. */
  name?: string;
  description?: string;
}

/** A literal a check compares with: numbers, strings (also ISO times), booleans. */
export type CheckValue = string | number | boolean;

/** What a check tests, by kind. */
export type CheckSpec =
  | { readonly kind: 'not_null'; readonly columns: readonly string[] }
  | { readonly kind: 'unique'; readonly columns: readonly string[] }
  | { readonly kind: 'accepted_values'; readonly column: string; readonly values: readonly CheckValue[] }
  | { readonly kind: 'range'; readonly column: string; readonly min?: CheckValue; readonly max?: CheckValue }
  | { readonly kind: 'row_count'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'freshness'; readonly column: string; readonly within: Duration }
  | { readonly kind: 'relationships'; readonly column: string; readonly to: string | { readonly name: string }; readonly field: string }
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'volume'; readonly history: number; readonly minHistory: number; readonly deviations: number };

export type CheckDefinition = CheckSpec & {
  readonly type: 'check';
  readonly severity: Severity;
  readonly name: string | undefined;
  readonly description: string | undefined;
};

function define(spec: CheckSpec, options: CheckOptions = {}): CheckDefinition {
  return Object.freeze({ ...spec, type: 'check' as const, severity: options.severity ?? 'error', name: options.name, description: options.description });
}

const list = (columns: string | readonly string[]): readonly string[] => (typeof columns === 'string' ? [columns] : columns);

/**
 * The built-in checks.
 *
 * @example
 * checks: [
 *   check.notNull(['user_id', 'time_utc']),
 *   check.unique('purchase_id'),
 *   check.acceptedValues('plan', ['free', 'pro']),
 *   check.range('revenue', { min: 0 }),
 *   check.rowCount({ min: 1 }, { severity: 'warn' }),
 *   check.freshness('time_utc', { within: '30m' }),
 *   check.relationships('user_id', { to: users, field: 'user_id' }),
 *   check.sql('no_refund_above_price', `select * from purchases where refund > price`),
 *   check.volume({ deviations: 4 }, { severity: 'warn' }),
 * ]
 */
export const check = {
  /** No row has a null in any of the columns. */
  notNull: (columns: string | readonly string[], options?: CheckOptions) => define({ kind: 'not_null', columns: list(columns) }, options),

  /** No two rows share the same values of the columns (together). Nulls count as values. */
  unique: (columns: string | readonly string[], options?: CheckOptions) => define({ kind: 'unique', columns: list(columns) }, options),

  /** Every non-null value of the column is one of `values`. */
  acceptedValues: (column: string, values: readonly CheckValue[], options?: CheckOptions) => define({ kind: 'accepted_values', column, values }, options),

  /** Every non-null value of the column lies in [min, max] (either bound may be left out). */
  range: (column: string, bounds: { min?: CheckValue; max?: CheckValue }, options?: CheckOptions) => define({ kind: 'range', column, ...bounds }, options),

  /** The version has between `min` and `max` rows. */
  rowCount: (bounds: { min?: number; max?: number }, options?: CheckOptions) => define({ kind: 'row_count', ...bounds }, options),

  /**
   * The newest value of the time column is at most `within` older than the
   * end of the partition's window (or than the time of the check, for a
   * window that has not ended and for unpartitioned datasets).
   */
  freshness: (column: string, bound: { within: Duration }, options?: CheckOptions) => define({ kind: 'freshness', column, within: bound.within }, options),

  /** Every non-null value of the column exists in `field` of another stream or dataset (its current versions). */
  relationships: (column: string, target: { to: string | { readonly name: string }; field: string }, options?: CheckOptions) =>
    define({ kind: 'relationships', column, to: target.to, field: target.field }, options),

  /**
   * Custom SQL that returns the failing rows; the check passes when it returns
   * none. The new version is a view under the stream's or dataset's own name,
   * and `pond_partition` describes its partition.
   */
  sql: (name: string, sql: string, options?: Omit<CheckOptions, 'name'>) => define({ kind: 'sql', sql }, { ...options, name }),

  /**
   * The row count is not far outside the history of the same dataset: the
   * check fails when it lies more than `deviations` (default 3) robust
   * standard deviations from the median of the `history` (default 28)
   * partitions before it. The spread is never taken below 10% of the median.
   * With fewer than `minHistory` (default 7) earlier partitions it passes.
   */
  volume: (settings: { history?: number; minHistory?: number; deviations?: number } = {}, options?: CheckOptions) =>
    define({ kind: 'volume', history: settings.history ?? 28, minHistory: settings.minHistory ?? 7, deviations: settings.deviations ?? 3 }, options),
} as const;
