import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName, didYouMean } from './did-you-mean.ts';

describe('didYouMean', () => {
  it('finds a name one slip away: a swap, a missing or extra letter, another case', () => {
    const known = ['users', 'user_events', 'web_events', 'purchases'];
    assert.equal(closestName('user_evnets', known), 'user_events');
    assert.equal(closestName('user_event', known), 'user_events');
    assert.equal(closestName('Purchases', known), 'purchases');
    assert.equal(closestName('usrs', known), 'users');
  });

  it('says nothing when no name is close', () => {
    assert.equal(closestName('orders', ['users', 'user_events']), undefined);
    assert.equal(didYouMean('x', []), '');
    assert.equal(didYouMean('evnts', ['events']), '; did you mean "events"?');
  });
});
