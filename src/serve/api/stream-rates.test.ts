import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StreamActivity, StreamActivityStore } from '../../state/index.ts';
import { StreamRates } from './stream-rates.ts';

it('measures events per second between samples of the running totals', async () => {
  let events = 0;
  const state = {
    getStreamActivity: async (): Promise<StreamActivity> => ({ stream: 's', maxEventTime: null, lastReceivedAt: null, events, deadLetters: 0 }),
  } as unknown as StreamActivityStore;
  const rates = new StreamRates(state, ['s']);
  assert.equal(rates.rate('s').eventsPerSecond['1m'], null);
  await rates.sample(0);
  events = 600;
  await rates.sample(60_000);
  events = 660;
  await rates.sample(120_000);
  const r = rates.rate('s');
  assert.equal(r.eventsPerSecond['1m'], 1);
  assert.equal(r.eventsPerSecond['15m'], 5.5);
  assert.equal(r.deadLettersPerSecond['1h'], 0);
  assert.equal(r.since, new Date(0).toISOString());
});
