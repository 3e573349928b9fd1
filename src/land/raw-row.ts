/**
 * One event as a row of its raw stream: the schema's top-level properties as
 * typed columns, then what Pond knows of it — event time, receipt, messageId,
 * source, client IP, user agent (as sent and parsed) — and the event exactly
 * as it arrived in `_raw`. Enrichment sits beside the payload, never in it.
 *
 * The row travels to DuckDB as one line of JSON in which the event is pasted
 * as it came (under `e`): JavaScript never parses it again, and DuckDB picks
 * the typed columns out of it (`RowShape.select`). For a stream with
 * personal data, the event pasted there is the protected one, and `_raw` and
 * `_ip` hold ciphertext (see protect-batch.ts).
 */
import { parseUserAgent } from '../event/index.ts';
import { quoteIdent } from '../compute/index.ts';
import type { Column } from '../state/index.ts';
import type { RawRow } from './land-batch.ts';

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

/** How DuckDB reads rows' lines (`read_json` columns) and turns them into a partition's columns. */
export interface RowShape {
  readonly jsonColumns: readonly Column[];
  readonly select: string;
}

const rawShapes = new WeakMap<readonly Column[], RowShape>();
const plainShapes = new WeakMap<readonly Column[], RowShape>();

/** The shape of a stream's raw rows. */
export function rawRowShape(columns: readonly Column[]): RowShape {
  let shape = rawShapes.get(columns);
  if (shape) return shape;
  const projected = columns.filter((c) => !c.name.startsWith('_'));
  const meta = columns.filter((c) => c.name.startsWith('_'));
  const jsonColumns = projected.length === 0 ? meta : [...meta, { name: 'e', type: `STRUCT(${projected.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})` }];
  const select = columns.map((c) => (c.name.startsWith('_') ? quoteIdent(c.name) : `e.${quoteIdent(c.name)} as ${quoteIdent(c.name)}`)).join(', ');
  rawShapes.set(columns, (shape = { jsonColumns, select }));
  return shape;
}

/** Rows whose lines hold exactly the columns, in order. */
export function plainRowShape(columns: readonly Column[]): RowShape {
  let shape = plainShapes.get(columns);
  if (!shape) plainShapes.set(columns, (shape = { jsonColumns: columns, select: columns.map((c) => quoteIdent(c.name)).join(', ') }));
  return shape;
}

/**
 * `later`: the line is made when first written, not now — for the rows of
 * streams with personal data, which are protected before landing and never
 * need the unprotected line. Other rows make it now, where the lander yields
 * to the collector's requests between slices of a batch.
 */
export function rawRow(receipt: Receipt, later = false): RawRow {
  const row = new ReceiptRow(receipt);
  if (!later) void row.line;
  return row;
}

/**
 * The line of an event whose personal data was protected (`p`: its protected
 * text, `_raw` and IP), with the rest of its receipt: on the main thread and
 * on the protecting workers alike (privacy/protect-worker.ts).
 */
export function protectedLine(receipt: Pick<Receipt, 'eventTime' | 'receivedAt' | 'messageId' | 'source' | 'userAgent'>, p: { readonly raw: string | null; readonly event: string; readonly ip: string | null }): string {
  // A literal of the receipt's own shape, not a spread of it: this runs for every event of a batch.
  return rawRow({ raw: p.raw, event: p.event, ip: p.ip, eventTime: receipt.eventTime, receivedAt: receipt.receivedAt, messageId: receipt.messageId, source: receipt.source, userAgent: receipt.userAgent }).line;
}

class ReceiptRow implements RawRow {
  readonly eventTime: number;
  readonly messageId: string;
  readonly receivedAt: number;
  readonly source: string;
  readonly raw: string | null;
  private text: string | undefined;

  constructor(readonly receipt: Receipt) {
    this.eventTime = receipt.eventTime;
    this.messageId = receipt.messageId;
    this.receivedAt = receipt.receivedAt;
    this.source = receipt.source;
    this.raw = receipt.raw;
  }

  get line(): string {
    return (this.text ??= lineOf(this.receipt));
  }
}

function lineOf(receipt: Receipt): string {
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
