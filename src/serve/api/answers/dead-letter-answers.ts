/** `GET /api/streams/:name/dead-letters/readable`: a stream's dead letters as a person reads them. */

/**
 * How a dead letter's payload is shown: `as sent` (the stream holds no personal data), `masked`
 * (decrypted, then its personal fields hidden and its identifiers shown as their pseudonyms, as
 * every other reader of the lake sees them), `withheld` (not a JSON object, in a stream with
 * personal data: it was never kept), `forgotten` (its subject was forgotten: nothing of it is
 * readable), `encrypted` (this server has no key ring to read it with).
 */
export type PayloadShown = 'as sent' | 'masked' | 'withheld' | 'forgotten' | 'encrypted';

export interface DeadLetter {
  readonly messageId: string;
  readonly receivedAt: string;
  readonly source: string | null;
  /** What was wrong, where, the offending value (unless it is personal) and what was allowed. */
  readonly reason: string;
  /** The event, pretty-printed when it is JSON; null when nothing of it can be shown (`shown` says why). */
  readonly payload: string | null;
  readonly shown: PayloadShown;
  /** The top-level fields whose values are hidden (personal data). */
  readonly masked: readonly string[];
}

/** `GET /api/streams/:name/dead-letters/readable`: newest first. */
export interface DeadLetterList {
  readonly stream: string;
  /** Whether the stream declares personal data: its payloads are masked. */
  readonly personalData: boolean;
  readonly deadLetters: readonly DeadLetter[];
  /** More dead letters than the limit. */
  readonly truncated: boolean;
}
