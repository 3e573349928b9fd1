/** The answers every route may give: an error, and rows as JSON. */

/** Every error: what was wrong and where, Pond's error code (absent on 401) and what to do. */
export interface ErrorAnswer {
  readonly error: string;
  readonly code?: string;
  readonly hint?: string;
}

/** A stream's or dataset's column: its name and DuckDB type. */
export interface Column {
  readonly name: string;
  readonly type: string;
}

/** Rows as JSON: `POST /api/query`, `…/rows` and `…/dead-letters` (each also answers CSV and Parquet). */
export interface Table {
  readonly columns: readonly Column[];
  readonly rows: readonly Record<string, unknown>[];
  readonly rowCount: number;
  /** The query had more rows than the limit. */
  readonly truncated: boolean;
  readonly ms: number;
}
