/**
 * examples/shop with three data subjects' events (Ada, Bob, Carol), for the
 * privacy tests: a user id, a device id, an email and a name in Segment
 * traits, a profile, one dead letter each for Ada and Bob (no messageId),
 * and Carol's events the next day, which move the watermark past Ada's and
 * Bob's hour so that it can be built.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openContext } from '../../src/cli/context.ts';
import { ROOT, ndjson, pond } from './project.ts';

export const HOUR = '2026-11-24T10';
export const LATER = '2026-11-25T01:00:00Z';

export const webEvents = [
  { type: 'identify', messageId: 'm-ada-1', userId: 'user-ada', timestamp: `${HOUR}:05:00Z`, traits: { email: 'ada@mail.example', name: 'Ada L' } },
  { type: 'page', messageId: 'm-ada-2', userId: 'user-ada', timestamp: `${HOUR}:06:00Z`, name: 'Home', properties: { path: '/' } },
  { type: 'identify', messageId: 'm-bob-1', userId: 'user-bob', timestamp: `${HOUR}:07:00Z`, traits: { email: 'bob@mail.example', name: 'Bob K' } },
  // No messageId: dead letters, still encrypted under their subject's key.
  { type: 'track', userId: 'user-ada', timestamp: `${HOUR}:08:00Z`, event: 'Lost', traits: { email: 'ada@mail.example' } },
  { type: 'track', userId: 'user-bob', timestamp: `${HOUR}:09:00Z`, event: 'Lost', traits: { email: 'bob@mail.example' } },
  { type: 'page', messageId: 'm-carol-1', userId: 'user-carol', timestamp: LATER, name: 'Home' },
];
export const userEvents = [
  { event_type: 'login', user_id: 'user-ada', device_id: 'dev-ada', time_utc: `${HOUR}:01:00Z`, method: 'sso' },
  {
    event_type: 'button_pressed',
    user_id: 'user-ada',
    device_id: 'dev-ada',
    time_utc: `${HOUR}:02:00Z`,
    button: 'one-click purchase',
    purchased_items: [{ sku: 'LED-4PK', description: 'LED bulbs', unit_price: 12.99, quantity: 2 }],
  },
  { event_type: 'login', user_id: 'user-bob', device_id: 'dev-bob', time_utc: `${HOUR}:03:00Z`, method: 'password' },
  {
    event_type: 'button_pressed',
    user_id: 'user-bob',
    device_id: 'dev-bob',
    time_utc: `${HOUR}:04:00Z`,
    button: 'one-click purchase',
    purchased_items: [{ sku: 'COF-1KG', description: 'Coffee', unit_price: 15.43, quantity: 1 }],
  },
  { event_type: 'login', user_id: 'user-carol', device_id: 'dev-carol', time_utc: LATER, method: 'sso' },
];
export const users = [
  { user_id: 'user-ada', name: 'Ada Lovelace', country: 'GB', signup_time_utc: '2026-01-02T03:04:05Z', plan: 'pro', time_utc: `${HOUR}:00:30Z` },
  { user_id: 'user-bob', name: 'Bob Kahn', country: 'US', signup_time_utc: '2026-01-02T03:04:05Z', plan: 'free', time_utc: `${HOUR}:00:40Z` },
  { user_id: 'user-carol', name: 'Carol Shaw', country: 'FR', signup_time_utc: '2026-01-02T03:04:05Z', plan: 'free', time_utc: LATER },
];

/** Lands `events` in `stream` through `pond load` (from a file named after `name`). */
export function loadEvents(dir: string, stream: string, events: readonly Record<string, unknown>[], name = stream): void {
  const file = path.join(dir, `${name}.test.ndjson`);
  writeFileSync(file, ndjson(events));
  const r = pond(dir, 'load', stream, file);
  assert.equal(r.status, 0, r.stderr);
}

/**
 * A copy of examples/shop in `root/name` (its pond.config.ts passed through
 * `config`) with the three subjects' events landed; nothing built.
 */
export function shopWithSubjects(root: string, name: string, config = (text: string) => text): string {
  const dir = path.join(root, name);
  cpSync(path.join(ROOT, 'examples/shop'), dir, { recursive: true, filter: (src) => !src.includes('.pond') });
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const configFile = path.join(dir, 'pond.config.ts');
  writeFileSync(configFile, config(readFileSync(configFile, 'utf8')));
  loadEvents(dir, 'web_events', webEvents);
  loadEvents(dir, 'user_events', userEvents);
  loadEvents(dir, 'users', users);
  return dir;
}

/** The subject's pseudonym in the project, as its key ring computes it. */
export async function pseudonymOf(dir: string, subject: string): Promise<string> {
  const ctx = await openContext({ project: dir }, { readOnly: true });
  try {
    return (await ctx.keyRing()).pseudonym(subject);
  } finally {
    await ctx.close();
  }
}
