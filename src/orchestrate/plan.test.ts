/**
 * The planner on projects and partition states built in memory: watermarks and
 * lateness, the input mappings, code changes, upstream reasons, retention
 * horizons and failed partitions. Each case says which windows a dataset wants,
 * which of them are planned, why, and whether they can start now.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamModel } from '../config/index.ts';
import { GRAINS, UNPARTITIONED } from '../partition/index.ts';
import type { StreamActivity } from '../state/index.ts';
import { describeReason, watermarkOf } from './plan.ts';
import { at, builtHours, dataset, expectPlan, hour, HOUR, MINUTE, planCase, rawHours, stream, time, withRows, type Case } from './plan.fixture.ts';

const events = stream('events');
const hourly = dataset('hourly', { events: 'events' });
/** Events in hours 00 … 05 of the 20th, the newest at 05:30, received a minute ago at 06:00. */
const ACTIVE = { maxEventTime: at('05:30'), lastReceivedAt: at('05:59') };
const NOW = at('06:00');

describe('watermarkOf', () => {
  const lateness = stream('s', { latenessMs: 10 * MINUTE });
  const table: Array<[string, Pick<StreamActivity, 'maxEventTime' | 'lastReceivedAt'> | undefined, number, number | null]> = [
    ['no activity: none', undefined, NOW, null],
    ['no event yet: none', { maxEventTime: null, lastReceivedAt: at('05:59') }, NOW, null],
    ['active: newest event minus lateness', ACTIVE, NOW, at('05:20')],
    ['received exactly a lateness ago: still active', { maxEventTime: at('05:30'), lastReceivedAt: at('05:50') }, NOW, at('05:20')],
    ['idle for longer than the lateness: the clock minus lateness', { maxEventTime: at('05:30'), lastReceivedAt: at('05:49') }, NOW, at('05:50')],
    ['never received: idle', { maxEventTime: at('05:30'), lastReceivedAt: null }, NOW, at('05:50')],
    ['idle with events ahead of the clock: the newest event still counts', { maxEventTime: at('07:00'), lastReceivedAt: at('05:00') }, NOW, at('06:50')],
  ];
  for (const [name, activity, now, want] of table) {
    it(name, () => {
      assert.equal(watermarkOf(lateness as StreamModel, activity && { stream: 's', events: 1, deadLetters: 0, ...activity }, now), want);
    });
  }
});

const cases: Case[] = [
  // Watermarks and lateness ------------------------------------------------------------
  {
    name: 'active stream: windows before the watermark are wanted, all missing and ready',
    nodes: [events, hourly],
    state: { events: rawHours(0, 5) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    // watermark 05:20: hour 05 is still open
    expect: {
      hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T00:00Z..2026-11-20T04:00Z missing'], waitingFor: 'watermark of events' },
    },
  },
  {
    name: 'idle stream: the watermark follows the clock, and empty windows are complete',
    nodes: [events, hourly],
    state: { events: rawHours(0, 5), hourly: builtHours(0, 4) },
    activity: { events: { maxEventTime: at('05:30'), lastReceivedAt: at('05:40') } },
    options: { now: at('08:00') },
    // watermark 07:50: hours 05 (with data) and 06 (without) are complete
    expect: { hourly: { span: '2026-11-20T00:00Z..2026-11-20T06:00Z', planned: ['2026-11-20T05:00Z..2026-11-20T06:00Z missing'] } },
  },
  {
    name: 'still receiving (late events of old hours): the watermark stays with the newest event',
    nodes: [events, hourly],
    state: { events: rawHours(0, 5), hourly: builtHours(0, 4) },
    activity: { events: { maxEventTime: at('05:30'), lastReceivedAt: at('07:55') } },
    options: { now: at('08:00') },
    expect: { hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: [] } },
  },
  {
    name: 'a stream without data: nothing is wanted yet, and the plan says why',
    nodes: [events, hourly],
    state: {},
    options: { now: NOW },
    expect: { hourly: { span: null, planned: [], waitingFor: 'events has no data yet' } },
  },
  {
    name: 'a dataset start before the data: windows from the start, empty ones included',
    nodes: [events, dataset('hourly', { events: 'events' }, { startMs: at('22:00', 19) })],
    state: { events: rawHours(2, 5) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { hourly: { span: '2026-11-19T22:00Z..2026-11-20T04:00Z', planned: ['2026-11-19T22:00Z..2026-11-20T04:00Z missing'] } },
  },

  // Mappings ---------------------------------------------------------------------------
  {
    name: 'window: new data in one hour changes that hour only',
    nodes: [events, hourly],
    state: { events: withRows(rawHours(0, 5), { idx: hour('02:00'), seq: 50 }), hourly: builtHours(0, 4) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T02:00Z..2026-11-20T02:00Z input events changed'] } },
  },
  {
    name: 'window: a daily dataset over hours wants a day once its 24 hours are complete',
    nodes: [events, hourly, dataset('daily', { h: 'hourly' }, { partition: time('day') })],
    state: { events: [...rawHours(0, 23), { idx: hour('00:00', 21), seq: 25 }], hourly: builtHours(0, 22) },
    activity: { events: { maxEventTime: at('00:30', 21), lastReceivedAt: at('00:31', 21) } },
    options: { now: at('00:32', 21) },
    expect: {
      hourly: { span: '2026-11-20T00:00Z..2026-11-20T23:00Z', planned: ['2026-11-20T23:00Z..2026-11-20T23:00Z missing'] },
      daily: { span: '2026-11-20T00:00Z..2026-11-20T00:00Z', planned: ['2026-11-20T00:00Z..2026-11-20T00:00Z missing, waits'], waitingFor: 'hourly' },
    },
  },
  {
    name: 'last 3h: new data in hour 02 changes the outputs whose trailing window holds it',
    nodes: [events, dataset('trailing', { e: { from: 'events', map: { kind: 'last', ms: 3 * HOUR } } })],
    state: {
      events: withRows(rawHours(0, 5), { idx: hour('02:00'), seq: 50 }),
      // built when hours 00 … h were at their first seq
      trailing: [0, 1, 2, 3, 4].map((h) => ({ idx: hour('00:00') + h, seq: 200 + h, inputSeq: h + 1, code: 'v1' })),
    },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { trailing: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T02:00Z..2026-11-20T04:00Z input events changed'] } },
  },
  {
    name: 'all: a change to an old lookup partition changes the outputs from its end on, not before',
    nodes: [events, stream('users'), dataset('enriched', { e: 'events', u: { from: 'users', map: { kind: 'all' } } })],
    state: {
      events: rawHours(0, 5),
      users: [{ idx: hour('01:00'), seq: 60 }],
      // each built when users' hour 01 was at seq 7 (hour 00 read no user partition yet)
      enriched: [0, 1, 2, 3, 4].map((h) => ({ idx: hour('00:00') + h, seq: 300 + h, inputSeq: h === 0 ? 1 : Math.max(h + 1, 7), code: 'v1' })),
    },
    activity: { events: ACTIVE, users: ACTIVE },
    options: { now: NOW },
    // output hour 01 reads users' partitions that ended by 02:00: hour 01 among them
    expect: { enriched: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T01:00Z..2026-11-20T04:00Z input users changed'] } },
  },
  {
    name: 'all: a lookup without data does not hold the dataset back',
    nodes: [events, stream('users'), dataset('enriched', { e: 'events', u: { from: 'users', map: { kind: 'all' } } })],
    state: { events: rawHours(0, 5) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { enriched: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T00:00Z..2026-11-20T04:00Z missing'] } },
  },
  {
    name: 'all inputs only: windows from the earliest input window up to the one holding now',
    nodes: [events, dataset('snapshot', { e: { from: 'events', map: { kind: 'all' } } })],
    state: { events: rawHours(3, 5) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { snapshot: { span: '2026-11-20T03:00Z..2026-11-20T06:00Z', planned: ['2026-11-20T03:00Z..2026-11-20T06:00Z missing'] } },
  },
  {
    name: 'unpartitioned: one partition that reads everything, changed by any new input',
    nodes: [events, dataset('totals', { e: 'events' }, { partition: UNPARTITIONED })],
    state: { events: withRows(rawHours(0, 5), { idx: hour('05:00'), seq: 70 }), totals: [{ idx: 0, seq: 400, inputSeq: 6, code: 'v1' }] },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { totals: { span: 'all..all', planned: ['all..all input events changed'] } },
  },

  // Code changes -----------------------------------------------------------------------
  {
    name: "code changed, onCodeChange 'rebuild' (the default): every built partition",
    nodes: [events, dataset('hourly', { events: 'events' }, { code: 'v2' })],
    state: { events: rawHours(0, 5), hourly: builtHours(0, 3) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: {
      hourly: {
        span: '2026-11-20T00:00Z..2026-11-20T04:00Z',
        planned: ['2026-11-20T00:00Z..2026-11-20T03:00Z code changed', '2026-11-20T04:00Z..2026-11-20T04:00Z missing'],
      },
    },
  },
  {
    name: "code changed, onCodeChange 'new-only': built partitions stay, new ones use the new code",
    nodes: [events, dataset('hourly', { events: 'events' }, { code: 'v2', onCodeChange: 'new-only' })],
    state: { events: rawHours(0, 5), hourly: builtHours(0, 3) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T04:00Z..2026-11-20T04:00Z missing'] } },
  },
  {
    name: "code changed, 'new-only': input changes still rebuild",
    nodes: [events, dataset('hourly', { events: 'events' }, { code: 'v2', onCodeChange: 'new-only' })],
    state: { events: withRows(rawHours(0, 5), { idx: hour('01:00'), seq: 50 }), hourly: builtHours(0, 4) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T01:00Z..2026-11-20T01:00Z input events changed'] } },
  },

  // Upstream ---------------------------------------------------------------------------
  ...upstreamCases(),

  // Retention horizons -----------------------------------------------------------------
  {
    name: "the dataset's own retention: windows that ended before the horizon are not wanted",
    nodes: [events, dataset('hourly', { events: 'events' }, { retentionMs: 3 * HOUR })],
    state: { events: rawHours(0, 5) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    // horizon: the window of 03:00 (now minus 3h)
    expect: { hourly: { span: '2026-11-20T03:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T03:00Z..2026-11-20T04:00Z missing'] } },
  },
  {
    name: "an input's retention: windows whose input expired are not wanted either",
    nodes: [stream('events', { retentionMs: 4 * HOUR }), hourly],
    state: { events: rawHours(0, 5) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { hourly: { span: '2026-11-20T02:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T02:00Z..2026-11-20T04:00Z missing'] } },
  },
  {
    name: 'everything past the horizon: nothing is wanted',
    nodes: [events, dataset('hourly', { events: 'events' }, { retentionMs: HOUR })],
    state: { events: rawHours(0, 5) },
    activity: { events: ACTIVE },
    options: { now: at('12:00') },
    expect: { hourly: { span: null, planned: [] } },
  },

  // Failed partitions ------------------------------------------------------------------
  {
    name: 'a partition whose build failed is planned again, a built one whose rebuild failed too',
    nodes: [events, hourly],
    state: {
      events: rawHours(0, 5),
      hourly: withRows(
        builtHours(0, 4),
        { idx: hour('01:00'), seq: 0, inputSeq: 2, failed: true, built: false },
        { idx: hour('03:00'), seq: 103, inputSeq: 4, failed: true, code: 'v1' },
      ),
    },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: {
      hourly: {
        span: '2026-11-20T00:00Z..2026-11-20T04:00Z',
        planned: ['2026-11-20T01:00Z..2026-11-20T01:00Z failed earlier', '2026-11-20T03:00Z..2026-11-20T03:00Z failed earlier'],
      },
    },
  },
  {
    name: 'a failed partition whose input was committed since: the new input may fix it',
    nodes: [events, hourly],
    state: {
      events: withRows(rawHours(0, 5), { idx: hour('01:00'), seq: 50 }),
      hourly: withRows(builtHours(0, 4), { idx: hour('01:00'), seq: 0, inputSeq: 2, failed: true, built: false }),
    },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: { hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T01:00Z..2026-11-20T01:00Z input events changed'] } },
  },
  {
    name: 'a raw version that failed an error check: its window is planned but waits, and so do the windows that read it downstream',
    nodes: [events, hourly, dataset('trailing', { h: { from: 'hourly', map: { kind: 'last', ms: 2 * HOUR } } })],
    state: { events: withRows(rawHours(0, 5), { idx: hour('02:00'), seq: 3, failed: true }), hourly: builtHours(0, 4).filter((r) => r.idx !== hour('02:00')) },
    activity: { events: ACTIVE },
    options: { now: NOW },
    expect: {
      hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T02:00Z..2026-11-20T02:00Z missing, waits'] },
      // each output hour reads its own hour and the one before
      trailing: {
        span: '2026-11-20T00:00Z..2026-11-20T04:00Z',
        planned: [
          '2026-11-20T00:00Z..2026-11-20T01:00Z missing',
          '2026-11-20T02:00Z..2026-11-20T03:00Z missing, waits',
          '2026-11-20T04:00Z..2026-11-20T04:00Z missing',
        ],
      },
    },
  },

  // Scope, time filter, force, pending -------------------------------------------------
  {
    name: 'a time filter and --force: fresh partitions in the range are forced; outside it nothing is planned, missing or not',
    nodes: [events, hourly],
    state: { events: rawHours(0, 5), hourly: builtHours(0, 3) },
    activity: { events: ACTIVE },
    options: { now: NOW, force: true, from: at('01:00'), to: at('03:00') },
    expect: { hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T01:00Z..2026-11-20T02:00Z forced'] } },
  },
  {
    name: 'out of scope: nothing is planned, though the reasons are known',
    nodes: [events, hourly, dataset('other', { events: 'events' })],
    state: { events: rawHours(0, 5) },
    activity: { events: ACTIVE },
    options: { now: NOW, scope: new Set(['other']) },
    expect: {
      hourly: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: [] },
      other: { span: '2026-11-20T00:00Z..2026-11-20T04:00Z', planned: ['2026-11-20T00:00Z..2026-11-20T04:00Z missing'] },
    },
  },
];

/** events → hourly → daily, a day of data and the first hour of the next. */
function upstreamCases(): Case[] {
  const daily = dataset('daily', { h: 'hourly' }, { partition: time('day') });
  const base = {
    nodes: [events, hourly, daily],
    activity: { events: { maxEventTime: at('00:30', 21), lastReceivedAt: at('00:31', 21) } },
    options: { now: at('00:32', 21) },
  };
  const raw = [...rawHours(0, 23), { idx: hour('00:00', 21), seq: 25 }];
  // daily was built from hourly's seqs 100 … 123
  const built = { hourly: builtHours(0, 23), daily: [{ idx: GRAINS.day.index(at('00:00')), seq: 500, inputSeq: 123, code: 'v1' }] };
  return [
    {
      ...base,
      name: 'upstream: a dataset whose input will be rebuilt is stale with that reason, and waits for it',
      state: { ...built, events: withRows(raw, { idx: hour('03:00'), seq: 200 }) },
      expect: {
        hourly: { span: '2026-11-20T00:00Z..2026-11-20T23:00Z', planned: ['2026-11-20T03:00Z..2026-11-20T03:00Z input events changed'] },
        daily: { span: '2026-11-20T00:00Z..2026-11-20T00:00Z', planned: ['2026-11-20T00:00Z..2026-11-20T00:00Z input hourly will be rebuilt, waits'] },
      },
    },
    {
      ...base,
      name: "upstream: once the input's newer version is committed, the dataset is stale because it changed, and ready",
      state: {
        events: withRows(raw, { idx: hour('03:00'), seq: 200 }),
        hourly: withRows(built.hourly, { idx: hour('03:00'), seq: 201, inputSeq: 200, code: 'v1' }),
        daily: built.daily,
      },
      expect: {
        hourly: { span: '2026-11-20T00:00Z..2026-11-20T23:00Z', planned: [] },
        daily: { span: '2026-11-20T00:00Z..2026-11-20T00:00Z', planned: ['2026-11-20T00:00Z..2026-11-20T00:00Z input hourly changed'] },
      },
    },
    {
      ...base,
      name: 'upstream: nothing changed, nothing planned',
      state: { ...built, events: raw },
      expect: { hourly: { span: '2026-11-20T00:00Z..2026-11-20T23:00Z', planned: [] }, daily: { span: '2026-11-20T00:00Z..2026-11-20T00:00Z', planned: [] } },
    },
  ];
}

describe('plan', () => {
  for (const c of cases) it(c.name, () => expectPlan(c));

  it('counts partitions already queued as planned, not ready again', async () => {
    const p = await planCase({
      name: 'pending',
      nodes: [events, hourly],
      state: { events: rawHours(0, 5), hourly: builtHours(0, 3) },
      activity: { events: ACTIVE },
      options: { now: NOW, pending: new Map([['hourly', new Set([hour('01:00'), hour('04:00')])]]) },
      expect: {},
    });
    const d = p.datasets.get('hourly');
    assert.ok(d?.span);
    const start = d.span.start;
    const k = (hhmm: string) => hour(hhmm) - start;
    // hour 01 is fresh but queued (forced by another run); hour 04 is missing and queued already
    assert.deepEqual([d.planned[k('01:00')], d.ready[k('01:00')], describeReason(d, k('01:00'))], [1, 0, 'forced']);
    assert.deepEqual([d.planned[k('04:00')], d.ready[k('04:00')], describeReason(d, k('04:00'))], [1, 0, 'missing']);
    assert.equal(d.planned[k('00:00')], 0);
  });

  it('reports each stream’s watermark and the windows it has completed', async () => {
    const p = await planCase({
      name: 'stream',
      nodes: [events],
      state: { events: rawHours(0, 5) },
      activity: { events: ACTIVE },
      options: { now: NOW },
      expect: {},
    });
    const s = p.streams.get('events');
    assert.equal(s?.watermark, at('05:20'));
    assert.equal(s?.frontier, hour('05:00'));
    assert.deepEqual(s?.span, { start: hour('00:00'), end: hour('06:00') });
    assert.equal(p.at, NOW);
  });
});
