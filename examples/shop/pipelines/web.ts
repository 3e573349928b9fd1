/**
 * The website, as a Segment library reports it: page views and tracked
 * actions per hour, by page or event name.
 */
import { check, dataset } from 'pond';
import { webEvents } from './streams.ts';

export const webActivityHourly = dataset({
  name: 'web_activity_hourly',
  description: 'Page views and tracked events per hour: how many, and how many distinct visitors (userId, else anonymousId).',
  inputs: { web_events: webEvents },
  checks: [check.acceptedValues('type', ['page', 'track', 'screen'])],
  sql: `
    select
      type,
      coalesce(event, name, properties->>'path', '(none)') as what,
      count(*) as events,
      count(distinct coalesce(userId, anonymousId)) as visitors
    from web_events
    where type in ('page', 'track', 'screen')
    group by all
    order by events desc, what
  `,
});
