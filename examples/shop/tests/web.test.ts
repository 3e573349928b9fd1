/**
 * The website's Segment calls, per hour: page views and tracked events, and
 * how many distinct visitors made them (`pond test web`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDataset } from 'pond/testing';
import { webActivityHourly } from '../pipelines/web.ts';

const at = (minute: number) => `2026-11-23T19:${String(minute).padStart(2, '0')}:00Z`;

describe('web_activity_hourly', () => {
  it('counts page views by page and tracked events by name, with distinct visitors (userId, else anonymousId)', async () => {
    const rows = await runDataset(webActivityHourly, {
      partition: '2026-11-23T19:00Z/PT1H',
      inputs: {
        web_events: [
          { type: 'page', messageId: 'm1', timestamp: at(1), userId: 'user-1', name: 'Home' },
          { type: 'page', messageId: 'm2', timestamp: at(2), userId: 'user-1', name: 'Home' },
          { type: 'page', messageId: 'm3', timestamp: at(3), anonymousId: 'anon-7', name: 'Home' },
          { type: 'page', messageId: 'm4', timestamp: at(4), anonymousId: 'anon-7', properties: { path: '/cart' } },
          { type: 'track', messageId: 'm5', timestamp: at(5), userId: 'user-1', event: 'Button Pressed', properties: { button: 'help' } },
          { type: 'identify', messageId: 'm6', timestamp: at(6), userId: 'user-1', traits: { plan: 'pro' } },
        ],
      },
    });
    assert.deepEqual(rows, [
      { type: 'page', what: 'Home', events: 3, visitors: 2 },
      { type: 'page', what: '/cart', events: 1, visitors: 1 },
      { type: 'track', what: 'Button Pressed', events: 1, visitors: 1 },
    ]);
  });
});
