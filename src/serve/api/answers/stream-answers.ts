/** `GET /api/streams…` and `GET /api/sinks`. */

/** Per second, over the last minute, 15 minutes and hour (as much of them as was sampled); null before two samples. */
export interface Rates {
  readonly '1m': number | null;
  readonly '15m': number | null;
  readonly '1h': number | null;
}

/** The rates at which a stream lands, measured since the server started. */
export interface StreamRate {
  readonly eventsPerSecond: Rates;
  readonly deadLettersPerSecond: Rates;
  /** The oldest sample. */
  readonly since: string | null;
}

/** Receipt-to-lake latency of the batches landed in the last five minutes (each batch counts once, by its oldest event). */
export interface LandingFigures {
  /** Of the newest batch, or null when none landed in the window. */
  readonly lastLagMs: number | null;
  readonly p50LagMs: number | null;
  readonly p95LagMs: number | null;
  readonly batches: number;
}

/** `GET /api/streams/:name`, and each entry of `GET /api/streams`. */
export interface Stream {
  readonly name: string;
  readonly schemaFile: string;
  readonly grain: string;
  readonly latenessMs: number;
  readonly events: number;
  readonly deadLetters: number;
  readonly newestEventTime: string | null;
  readonly lastReceivedAt: string | null;
  readonly watermark: string | null;
  readonly rates: StreamRate;
  readonly landing: LandingFigures;
}

/** `GET /api/streams`. */
export interface StreamList {
  readonly streams: readonly Stream[];
}

/** A dataset's sink and what it holds of the dataset's current partitions. */
export interface Sink {
  readonly dataset: string;
  readonly sink: string;
  readonly kind: string;
  /** Where it publishes (a file, a table). */
  readonly target: string;
  readonly partitions: number;
  readonly published: number;
  readonly behind: number;
  readonly failing: number;
  readonly lastPublishedAt: string | null;
  /** Of its first failing partition. */
  readonly lastError: { readonly partition: string; readonly version: string; readonly error: string; readonly attempts: number } | null;
  readonly nextAttemptAt: string | null;
}

/** `GET /api/sinks`. */
export interface SinkList {
  readonly sinks: readonly Sink[];
}
