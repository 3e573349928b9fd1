/**
 * One event as a row of its raw stream: the schema's top-level properties as
 * typed columns, then what Pond knows of it — event time, receipt, messageId,
 * source, client IP, user agent (as sent and parsed) — and the event exactly
 * as it arrived in `_raw`. Enrichment sits beside the payload, never in it.
 */
import { parseUserAgent } from '../collect/index.ts';
import type { StreamModel } from '../config/index.ts';
import type { RawRow } from './land-batch.ts';

export interface Receipt {
  readonly raw: string;
  readonly eventTime: number;
  readonly receivedAt: number;
  readonly messageId: string;
  readonly source: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

const projections = new WeakMap<StreamModel, readonly string[]>();

export function rawRow(stream: StreamModel, event: Record<string, unknown>, receipt: Receipt): RawRow {
  let projected = projections.get(stream);
  if (!projected) projections.set(stream, (projected = stream.columns.filter((c) => !c.name.startsWith('_')).map((c) => c.name)));
  const values: Record<string, unknown> = {};
  for (const name of projected) values[name] = event[name] ?? null;
  values._event_time = new Date(receipt.eventTime).toISOString();
  values._received_at = new Date(receipt.receivedAt).toISOString();
  values._message_id = receipt.messageId;
  values._source = receipt.source;
  values._ip = receipt.ip;
  values._user_agent = receipt.userAgent;
  const ua = receipt.userAgent ? parseUserAgent(receipt.userAgent) : null;
  values._ua = ua && { browser: ua.browser, browser_version: ua.browserVersion, os: ua.os, os_version: ua.osVersion, device: ua.device };
  values._raw = receipt.raw;
  return { values, eventTime: receipt.eventTime, messageId: receipt.messageId };
}
