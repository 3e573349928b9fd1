/** `GET /api/grid`: every stream and dataset × time, in columns of a round width. */

/** One stream's or dataset's row: per column, its partitions whose window overlaps the column, and of those how many are in each state. */
export interface GridRow {
  readonly name: string;
  readonly kind: 'dataset' | 'stream';
  /** `hour`, `day` …, or `none` (its one partition spans every column). */
  readonly grain: string;
  readonly partitions: readonly number[];
  readonly fresh: readonly number[];
  readonly stale: readonly number[];
  /** Datasets: never built; streams: expired. */
  readonly missing: readonly number[];
  readonly failed: readonly number[];
}

/** `GET /api/grid`. */
export interface Grid {
  /** Start of the first column and end of the last (ISO). */
  readonly from: string;
  readonly to: string;
  /** Width of a column: a round duration (a minute … weeks), columns start on multiples of it in UTC. */
  readonly columnMs: number;
  readonly columns: number;
  /** Start of the earliest partition window and end of the latest, of every stream and dataset; null when nothing has data. */
  readonly first: string | null;
  readonly last: string | null;
  /** Streams first, then datasets in dependency order. */
  readonly rows: readonly GridRow[];
}
