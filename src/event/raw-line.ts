/**
 * An event as one line of its raw stream's rows, as landing hands it to
 * DuckDB: what Pond knows of it — event time, receipt, messageId, source,
 * client IP, user agent (as sent and parsed) — and the event as it arrived in
 * `_raw`, then the event itself pasted under `e` (never parsed again). Here,
 * in the event contract, because two sides make it: landing
 * (land/raw-row.ts) and the workers that protect personal data
 * (privacy/protect-worker.ts), which must not load landing's DuckDB, lake or
 * state store.
 */
import { parseUserAgent } from './user-agent.ts';

export interface Receipt {
  /** The event as received; for a protected receipt what `_raw` lands as (null: anonymized, see privacy/event-protector.ts). */
  readonly raw: string | null;
  readonly eventTime: number;
  readonly receivedAt: number;
  readonly messageId: string;
  readonly source: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The event as its typed columns take it, when not `raw` (personal data protected, see protect-batch.ts). */
  readonly event?: string;
  /** `raw` parsed, when the caller has it already (saves parsing it again to protect it). */
  readonly value?: unknown;
  /**
   * Set when the collector protected the event before the buffer: `event`,
   * `raw` and `ip` are already as they land, and are never protected again
   * (see protect-batch.ts); `subject` is the pseudonym of its data subject.
   */
  readonly protection?: { readonly subject: string | null };
}

/**
 * The line of an event whose personal data was protected (`p`: its protected
 * text, `_raw` and IP), with the rest of its receipt: on the main thread and
 * on the protecting workers alike (privacy/protect-worker.ts).
 */
export function protectedLine(
  receipt: Pick<Receipt, 'eventTime' | 'receivedAt' | 'messageId' | 'source' | 'userAgent'>,
  p: { readonly raw: string | null; readonly event: string; readonly ip: string | null },
): string {
  // A literal of the receipt's own shape, not a spread of it: this runs for every event of a batch.
  return rawLine({
    raw: p.raw,
    event: p.event,
    ip: p.ip,
    eventTime: receipt.eventTime,
    receivedAt: receipt.receivedAt,
    messageId: receipt.messageId,
    source: receipt.source,
    userAgent: receipt.userAgent,
  });
}

/** The line of a raw row (see the header). */
export function rawLine(receipt: Receipt): string {
  const ua = receipt.userAgent ? parseUserAgent(receipt.userAgent) : null;
  const parsedUa = ua && JSON.stringify({ browser: ua.browser, browser_version: ua.browserVersion, os: ua.os, os_version: ua.osVersion, device: ua.device });
  // A pretty-printed event spans lines; pasted as-is it would break the line framing.
  // Without `event`, `raw` is the event as received (only a protected receipt's `raw` may be null, and it has `event`).
  const event = receipt.event ?? asLine(receipt.raw as string);
  return (
    `{"_event_time":"${new Date(receipt.eventTime).toISOString()}","_received_at":"${isoOf(receipt.receivedAt)}",` +
    `"_message_id":${JSON.stringify(receipt.messageId)},"_source":${JSON.stringify(receipt.source)},"_ip":${receipt.ip === null ? 'null' : JSON.stringify(receipt.ip)},` +
    `"_user_agent":${receipt.userAgent === null ? 'null' : JSON.stringify(receipt.userAgent)},"_ua":${parsedUa ?? 'null'},"_raw":${JSON.stringify(receipt.raw)},"e":${event}}`
  );
}

function asLine(raw: string): string {
  return raw.includes('\n') || raw.includes('\r') ? JSON.stringify(JSON.parse(raw)) : raw;
}

/** The events of one request share their receipt time: its text is made once. */
let lastMs = Number.NaN;
let lastIso = '';
function isoOf(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
