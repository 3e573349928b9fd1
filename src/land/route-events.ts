/**
 * Routes events of one stream as `pond load` reads them: each gets the
 * collector's verdict (schema, event time, start, clock skew), and those that
 * belong in the stream are sorted into the window of their event time. The
 * others go to the dead letters with the reason; none is dropped.
 */
import { randomUUID } from 'node:crypto';
import { classifyEvent, messageIdOf } from '../event/index.ts';
import { protectsPersonalData, type StreamModel } from '../config/index.ts';
import type { StreamBatch } from './land-batch.ts';
import type { ParsedEvent } from './parse-events.ts';
import { rawRow } from './raw-row.ts';

export function routeEvents(
  stream: StreamModel,
  events: readonly ParsedEvent[],
  source: string,
  receivedAt: number,
  maxClockSkewMs = Number.POSITIVE_INFINITY,
): StreamBatch {
  const batch: StreamBatch = { stream, partitions: new Map(), deadLetters: [], receivedAt };
  for (const event of events) {
    const messageId = messageIdOf(event.value) ?? randomUUID();
    const verdict = event.error !== undefined ? { reason: event.error } : classifyEvent(stream, event.value, receivedAt, maxClockSkewMs, event.raw);
    if (verdict.time === undefined) {
      // The verdict's reasons quote no personal value; a parser's message may quote any of the text.
      const reasonMasked = event.error === undefined;
      batch.deadLetters.push({
        stream: stream.name,
        reason: `${event.position}: ${verdict.reason}`,
        raw: event.raw,
        source,
        messageId,
        receivedAt,
        reasonMasked,
      });
      continue;
    }
    addRow(
      batch,
      rawRow(
        { raw: event.raw, value: event.value, eventTime: verdict.time, receivedAt, messageId, source, ip: null, userAgent: null },
        protectsPersonalData(stream.pii),
      ),
    );
  }
  return batch;
}

/** Puts a row in the window of its event time. */
export function addRow(batch: StreamBatch, row: ReturnType<typeof rawRow>): void {
  const grain = batch.stream.partitioning.kind === 'time' ? batch.stream.partitioning.grain : undefined;
  const index = grain ? grain.index(row.eventTime) : 0;
  let rows = batch.partitions.get(index);
  if (!rows) batch.partitions.set(index, (rows = []));
  rows.push(row);
}
