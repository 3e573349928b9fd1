/** A column of a table in the lake: its name and DuckDB type. */
export interface Column {
  readonly name: string;
  /** DuckDB type name, e.g. `VARCHAR`, `BIGINT`, `TIMESTAMP WITH TIME ZONE`. */
  readonly type: string;
}
