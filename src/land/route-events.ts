/**
 * Routes a batch of events of one stream: validates each against the stream's
 * schema, reads its event time, and sorts it into the window it belongs to.
 * Events that fail go to the dead letters with the reason; none is dropped.
 */
import { randomUUID } from 'node:crypto';
import type { StreamModel } from '../config/index.ts';
import type { ParsedEvent } from './parse-events.ts';

export interface RawRow {
  readonly values: Record<string, unknown>;
  readonly eventTime: number;
}

export interface DeadLetter {
  readonly stream: string;
  readonly reason: string;
  readonly raw: string;
  readonly source: string;
  readonly messageId: string;
}

export interface RoutedBatch {
  /** Rows by window number. */
  readonly partitions: Map<number, RawRow[]>;
  readonly deadLetters: DeadLetter[];
  readonly maxEventTime: number | null;
  readonly accepted: number;
}

export function routeEvents(stream: StreamModel, events: readonly ParsedEvent[], source: string, receivedAt: number): RoutedBatch {
  const partitions = new Map<number, RawRow[]>();
  const deadLetters: DeadLetter[] = [];
  const grain = stream.partitioning.kind === 'time' ? stream.partitioning.grain : undefined;
  const projected = stream.columns.filter((c) => !c.name.startsWith('_')).map((c) => c.name);
  const receivedIso = new Date(receivedAt).toISOString();
  let maxEventTime: number | null = null;
  let accepted = 0;
  for (const event of events) {
    const messageId = messageIdOf(event.value) ?? randomUUID();
    const dead = (reason: string) => deadLetters.push({ stream: stream.name, reason: `${event.position}: ${reason}`, raw: event.raw, source, messageId });
    if (event.error !== undefined) {
      dead(event.error);
      continue;
    }
    const invalid = stream.validate(event.value);
    if (invalid !== undefined) {
      dead(`does not match schema ${stream.schemaFile}: ${invalid}`);
      continue;
    }
    const time = readTime(event.value, stream.timeField);
    if (time === undefined) {
      dead(`${stream.timeField.join('.')}: missing or not a valid time (use ISO 8601, e.g. 2026-11-23T19:04:05Z)`);
      continue;
    }
    if (stream.startMs !== null && time < stream.startMs) {
      dead(`${stream.timeField.join('.')}: ${new Date(time).toISOString()} is before the stream's start ${new Date(stream.startMs).toISOString()}`);
      continue;
    }
    const record = event.value as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const name of projected) values[name] = record[name] ?? null;
    values._event_time = new Date(time).toISOString();
    values._received_at = receivedIso;
    values._message_id = messageId;
    values._raw = event.raw;
    const index = grain ? grain.index(time) : 0;
    let rows = partitions.get(index);
    if (!rows) partitions.set(index, (rows = []));
    rows.push({ values, eventTime: time });
    if (maxEventTime === null || time > maxEventTime) maxEventTime = time;
    accepted++;
  }
  return { partitions, deadLetters, maxEventTime, accepted };
}

function messageIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as Record<string, unknown>).messageId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function readTime(value: unknown, path: readonly string[]): number | undefined {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current === 'number' && Number.isFinite(current)) return current;
  if (typeof current !== 'string') return undefined;
  const ms = Date.parse(current);
  return Number.isNaN(ms) ? undefined : ms;
}
