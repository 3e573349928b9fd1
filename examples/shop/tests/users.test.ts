/**
 * User activity: clean logins per hour, and weekly active users per day over
 * the seven days that end with it (`pond test users`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDataset } from 'pond/testing';
import { cleanLogins, weeklyActiveUsers } from '../pipelines/users.ts';

const login = (user_id: string, device_id: string, time_utc: string, method = 'password') => ({ event_type: 'login', user_id, device_id, time_utc, method });

describe('clean_logins', () => {
  it('counts a double-submitted login (same user, device and second) once', async () => {
    const rows = await runDataset(cleanLogins, {
      partition: '2026-11-23T19:00Z/PT1H',
      inputs: {
        user_events: [
          login('user-1', 'dev-1', '2026-11-23T19:05:00Z'),
          login('user-1', 'dev-1', '2026-11-23T19:05:00Z'),
          login('user-1', 'dev-2', '2026-11-23T19:05:00Z'),
        ],
      },
    });
    assert.deepEqual(rows, [
      { user_id: 'user-1', device_id: 'dev-1', time_utc: new Date('2026-11-23T19:05:00Z'), method: 'password' },
      { user_id: 'user-1', device_id: 'dev-2', time_utc: new Date('2026-11-23T19:05:00Z'), method: 'password' },
    ]);
  });

  it('drops logins without a user, a device or a method, and events that are not logins', async () => {
    const rows = await runDataset(cleanLogins, {
      partition: '2026-11-23T19:00Z/PT1H',
      inputs: {
        user_events: [
          login('', 'dev-1', '2026-11-23T19:01:00Z'),
          login('user-1', '', '2026-11-23T19:02:00Z'),
          { event_type: 'login', user_id: 'user-1', device_id: 'dev-1', time_utc: '2026-11-23T19:03:00Z' },
          { event_type: 'button_pressed', button: 'help', user_id: 'user-1', device_id: 'dev-1', time_utc: '2026-11-23T19:04:00Z' },
          login('user-2', 'dev-3', '2026-11-23T19:05:00Z', 'passkey'),
        ],
      },
    });
    assert.deepEqual(
      rows.map((r) => r.user_id),
      ['user-2'],
    );
  });
});

describe('weekly_active_users', () => {
  // The day 2026-11-23 reads the 168 hours from 2026-11-17T00:00Z up to 2026-11-24T00:00Z ({ last: '7d' }).
  const DAY = '2026-11-23';
  const logins = (rows: ReturnType<typeof login>[]) => rows.map(({ user_id, device_id, time_utc, method }) => ({ user_id, device_id, time_utc, method }));

  it('counts users, devices and logins in the seven days that end with the day', async () => {
    const rows = await runDataset(weeklyActiveUsers, {
      partition: DAY,
      inputs: {
        logins: logins([
          login('user-1', 'dev-1', '2026-11-23T08:00:00Z'),
          login('user-1', 'dev-2', '2026-11-23T20:00:00Z'),
          login('user-2', 'dev-1', '2026-11-17T00:00:00Z'), // the first hour of the window
          login('user-3', 'dev-3', '2026-11-16T23:59:59Z'), // a second before it
        ]),
      },
    });
    assert.deepEqual(rows, [
      {
        day: new Date('2026-11-23T00:00:00Z'),
        window_start: new Date('2026-11-17T00:00:00Z'),
        window_end: new Date('2026-11-24T00:00:00Z'),
        active_users: 2,
        active_devices: 2,
        logins: 3,
      },
    ]);
  });

  it('gives a row of zeros for a week without logins', async () => {
    const rows = await runDataset(weeklyActiveUsers, { partition: DAY });
    assert.deepEqual(
      rows.map((r) => [r.active_users, r.active_devices, r.logins]),
      [[0, 0, 0]],
    );
  });
});
