/**
 * Late data through the collector: an event for an hour that was already
 * built lands as a new version of that raw partition, and `pond up` rebuilds
 * the dataset partition that depends on it — and only that one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_KEY, makeCollectProject } from './helpers/collect-project.ts';
import { pond, startUp, until } from './helpers/project.ts';

describe('late events sent to the collector', () => {
  it('add a version of their old partition and rebuild exactly what depends on it', { timeout: 120_000 }, async () => {
    const dir = makeCollectProject();
    const { proc: up, url: listening } = startUp(dir);
    try {
      const url = await listening;
      const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const at = (hoursAgo: number, minute: number) => new Date(hourStart - hoursAgo * 3_600_000 + minute * 60_000).toISOString();
      const send = async (events: object[]) => {
        const response = await fetch(`${url}/v1/streams/events/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-pond-write-key': APP_KEY },
          body: JSON.stringify(events),
        });
        assert.equal(response.status, 200, await response.text());
      };
      // The recent event moves the watermark past the older hours, so they are complete and get built.
      await send([
        { messageId: 'a', user_id: 'a', time_utc: at(3, 10), amount: 1 },
        { messageId: 'b', user_id: 'b', time_utc: at(2, 10), amount: 2 },
        { messageId: 'r', user_id: 'r', time_utc: new Date(Date.now() - 90_000).toISOString(), amount: 8 },
      ]);
      const lateHour = at(3, 0).slice(0, 13);
      const nextHour = at(2, 0).slice(0, 13);
      const runsOf = (hour: string) =>
        (JSON.parse(pond(dir, 'runs', '--dataset', 'totals', '--limit', '100', '--json').stdout) as Array<{ key: string; status: string }>).filter(
          (r) => r.key.startsWith(hour) && r.status === 'succeeded',
        ).length;
      const eventsInLake = () => (JSON.parse(pond(dir, 'query', 'select count(*) as n from events', '--json').stdout) as Array<{ n: number }>)[0]?.n;
      await until('the first builds', () => (runsOf(lateHour) === 1 && runsOf(nextHour) === 1 ? true : undefined), 60_000);
      assert.equal(eventsInLake(), 3);

      // Late: an event for the hour three hours ago, long after it was built. And the same messageId again (a retry): dropped.
      await send([
        { messageId: 'c', user_id: 'c', time_utc: at(3, 40), amount: 4 },
        { messageId: 'a', user_id: 'a', time_utc: at(3, 10), amount: 1 },
      ]);
      await until('the rebuild', () => (runsOf(lateHour) === 2 ? true : undefined), 60_000);
      assert.equal(runsOf(nextHour), 1, 'the hour after it is not rebuilt');
      assert.equal(eventsInLake(), 4, 'the retried event was dropped');
    } finally {
      up.kill('SIGINT');
      await new Promise((resolve) => up.on('exit', resolve));
    }
  });
});
