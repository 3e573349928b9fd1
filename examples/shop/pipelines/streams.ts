/**
 * The raw streams: what devices and the shop app send. Each is a view in SQL
 * with one column per top-level schema property, plus `_event_time`,
 * `_received_at`, `_message_id` and `_raw`.
 */
import { check, stream } from 'pond';

export const deviceEvents = stream({
  name: 'device_events',
  description: 'Environmental readings from shop devices: temperature, status, battery.',
  schema: 'schemas/device_events.schema.json',
  time: 'time_utc',
  partition: 'hour',
  lateness: '10m',
  start: '2026-11-20',
  checks: [
    // Devices report every few minutes: an hour whose newest reading is older than that is missing data.
    check.freshness('time_utc', { within: '30m' }, { severity: 'warn' }),
  ],
});

export const userEvents = stream({
  name: 'user_events',
  description: 'What users do in the shop app: logins and button presses, some of them one-click purchases.',
  schema: 'schemas/user_events.schema.json',
  time: 'time_utc',
  partition: 'hour',
  lateness: '10m',
  start: '2026-11-20',
});

export const users = stream({
  name: 'users',
  description: 'User profile records, emitted when a profile is created or changes: the dimension purchases join to.',
  schema: 'schemas/users.schema.json',
  time: 'time_utc',
  // Hourly, as the purchases that look profiles up: an hour of purchases reads every
  // profile partition that has ended by the end of that hour (see map: 'all').
  partition: 'hour',
  lateness: '10m',
  start: '2026-11-20',
  key: ['user_id', 'time_utc'],
  checks: [
    // What the JSON Schema cannot say: a profile is emitted at or after its signup. A batch
    // that breaks it (an app release with a clock bug) is quarantined, and purchases wait for a fix.
    check.sql('signed_up_before_emitted', 'select user_id, signup_time_utc, time_utc from users where signup_time_utc > time_utc'),
    check.unique(['user_id', 'time_utc'], { severity: 'warn' }),
  ],
});

export const webEvents = stream({
  name: 'web_events',
  description: "The website's Segment calls (track, page, identify …), sent by a Segment library to Pond's /v1/batch.",
  schema: 'schemas/web_events.schema.json',
  time: 'timestamp',
  partition: 'hour',
  lateness: '10m',
  start: '2026-11-20',
});
