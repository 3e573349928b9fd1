/**
 * Sink states: what each sink published of each partition, and its failures.
 */
/** What one sink published of one partition, and its last failed attempt. */
export interface SinkState {
  readonly dataset: string;
  readonly sink: string;
  readonly idx: number;
  readonly key: string;
  /** The version last published, or null when none was. */
  readonly versionId: string | null;
  readonly publishedAt: number | null;
  /** The version of the last failed attempt (null after a success). */
  readonly attemptedVersion: string | null;
  /** The last failure, cleared by a success. */
  readonly error: string | null;
  /** Failed attempts in a row. */
  readonly attempts: number;
  /** When a failed publish may be tried again. */
  readonly nextAttemptAt: number | null;
  readonly updatedAt: number;
}

export interface SinkStateStore {
  /** The sink state of a dataset's partitions (of one sink or all; one partition or all), by sink then idx. */
  sinkStates(dataset: string, filter?: { sink?: string; idx?: number }): Promise<SinkState[]>;
  /** Writes sink states, replacing those of the same dataset, sink and idx. */
  recordSinkStates(states: readonly SinkState[]): Promise<void>;
}
