/** `GET /api/streams/:name/tail`: the last events a stream received, as they arrive. */

/** One event of a stream's live tail, with the verdict it got on receipt. */
export interface TailEvent {
  readonly receivedAt: string;
  readonly messageId: string;
  /** The source (write key) that sent it. */
  readonly source: string;
  /** `accepted`: it lands in the stream; `dead-letter`: it lands in the dead letters, for `reason`. */
  readonly status: 'accepted' | 'dead-letter';
  /** Its event time, when accepted. */
  readonly eventTime: string | null;
  readonly reason: string | null;
  /**
   * The event as it lands, parsed. In a stream with personal data,
   * identifiers are pseudonyms and personal values are masked
   * (`enc:v1:<pseudonym>:…`); a dead letter of such a stream is null (it is
   * kept encrypted whole).
   */
  readonly event: unknown;
  /** The top-level fields whose values are masked. */
  readonly masked: readonly string[];
}

/** `GET /api/streams/:name/tail`. */
export interface StreamTail {
  readonly stream: string;
  /** Oldest first. */
  readonly events: readonly TailEvent[];
  /** Pass it as `after` to get the events that arrive after these. */
  readonly cursor: string;
  /** Events after `after` that were no longer held when read (the tail keeps `capacity` per stream). */
  readonly missed: number;
  readonly capacity: number;
}
