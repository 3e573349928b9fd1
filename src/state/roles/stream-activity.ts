/**
 * Stream activity: what the planner's watermarks are made of.
 */
export interface StreamActivity {
  readonly stream: string;
  /** Newest event time seen (ms), or null before the first event. */
  readonly maxEventTime: number | null;
  /** When the last event was received (ms), or null. */
  readonly lastReceivedAt: number | null;
  readonly events: number;
  readonly deadLetters: number;
}

export interface StreamActivityUpdate {
  readonly maxEventTime: number | null;
  readonly receivedAt: number;
  readonly events: number;
  readonly deadLetters: number;
}

export interface StreamActivityStore {
  /** Adds to a stream's counters and moves its max event time and last receipt forward. */
  recordStreamActivity(stream: string, update: StreamActivityUpdate): Promise<void>;
  getStreamActivity(stream: string): Promise<StreamActivity | undefined>;
}
