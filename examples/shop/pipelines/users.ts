/**
 * User activity: clean logins (hourly) and weekly active users (daily, over a
 * rolling seven-day window of hourly logins).
 */
import { check, dataset } from 'pond';
import { userEvents } from './streams.ts';

/** One row per login; a double-submitted login (same user, device and second) counts once. */
export const cleanLogins = dataset({
  name: 'clean_logins',
  description: 'Logins with a user, a device and a method, without duplicates.',
  inputs: { user_events: userEvents },
  checks: [check.notNull(['user_id', 'device_id', 'time_utc', 'method'])],
  sql: `
    select distinct
      user_id,
      device_id,
      time_utc,
      method
    from user_events
    where event_type = 'login'
      and user_id is not null and user_id <> ''
      and device_id is not null and device_id <> ''
      and method is not null
      and time_utc is not null
    order by time_utc, user_id, device_id, method
  `,
});

/**
 * Distinct users who logged in during the seven days ending with each day.
 * The input is the 168 hourly partitions of clean_logins that end with the
 * day; the join on pond_partition keeps the window exact (and in hours, not
 * calendar days, so the session time zone cannot change it) and yields a row
 * with zeros for a day without logins.
 */
export const weeklyActiveUsers = dataset({
  name: 'weekly_active_users',
  description: 'Users, devices and logins in the seven days ending with each day (UTC).',
  partition: 'day',
  inputs: { logins: { from: cleanLogins, map: { last: '7d' } } },
  checks: [check.rowCount({ min: 1, max: 1 }), check.range('active_users', { min: 0 })],
  sql: `
    select
      cast(timezone('UTC', p.start) as date) as day,
      p."end" - interval '168 hours' as window_start,
      p."end" as window_end,
      count(distinct l.user_id) as active_users,
      count(distinct l.device_id) as active_devices,
      count(l.user_id) as logins
    from pond_partition p
    left join logins l
      on l.time_utc >= p."end" - interval '168 hours'
     and l.time_utc < p."end"
    group by p.start, p."end"
  `,
});
