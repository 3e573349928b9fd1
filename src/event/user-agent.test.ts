import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUserAgent, type UserAgent } from './user-agent.ts';

type Row = [ua: string, browser: string | null, browserVersion: string | null, os: string | null, osVersion: string | null, device: UserAgent['device']];

const REAL_WORLD: Row[] = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Chrome',
    '120.0.0.0',
    'Windows',
    '10',
    'desktop',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
    'Edge',
    '120.0.2210.91',
    'Windows',
    '10',
    'desktop',
  ],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox', '121.0', 'Windows', '10', 'desktop'],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0',
    'Opera',
    '106.0.0.0',
    'Windows',
    '10',
    'desktop',
  ],
  ['Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko', 'Internet Explorer', '11.0', 'Windows', '7', 'desktop'],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
    'Safari',
    '17.2',
    'macOS',
    '10.15.7',
    'desktop',
  ],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox', '121.0', 'macOS', '10.15', 'desktop'],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
    'Safari',
    '17.2',
    'iOS',
    '17.2',
    'mobile',
  ],
  [
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
    'Safari',
    '16.6',
    'iPadOS',
    '16.6',
    'tablet',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
    'Chrome',
    '120.0.6099.119',
    'iOS',
    '17.2',
    'mobile',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15',
    'Firefox',
    '121.0',
    'iOS',
    '17.2.1',
    'mobile',
  ],
  [
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
    'Chrome',
    '120.0.0.0',
    'Android',
    '10',
    'mobile',
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
    'Samsung Internet',
    '23.0',
    'Android',
    '13',
    'mobile',
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Chrome',
    '120.0.0.0',
    'Android',
    '13',
    'tablet',
  ],
  [
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Chrome',
    '120.0.0.0',
    'ChromeOS',
    '14541.0.0',
    'desktop',
  ],
  ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox', '121.0', 'Linux', null, 'desktop'],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Googlebot', '2.1', null, null, 'bot'],
  [
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Googlebot',
    '2.1',
    null,
    null,
    'bot',
  ],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'bingbot', '2.0', null, null, 'bot'],
  ['Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', 'AhrefsBot', '7.0', null, null, 'bot'],
  ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'facebookexternalhit', '1.1', null, null, 'bot'],
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36',
    'HeadlessChrome',
    '120.0.6099.28',
    null,
    null,
    'bot',
  ],
  ['curl/8.4.0', 'curl', '8.4.0', null, null, 'other'],
  ['node', 'node', null, null, null, 'other'],
  ['undici', 'undici', null, null, null, 'other'],
  ['axios/1.6.2', 'axios', '1.6.2', null, null, 'other'],
  ['okhttp/4.12.0', 'okhttp', '4.12.0', null, null, 'other'],
  ['analytics-node-next/latest', 'analytics-node-next', 'latest', null, null, 'other'],
  ['Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230805.001)', 'Dalvik', '2.1.0', 'Android', '13', 'other'],
];

describe('parseUserAgent', () => {
  for (const [ua, browser, browserVersion, os, osVersion, device] of REAL_WORLD) {
    it(`reads ${ua.length > 70 ? `${ua.slice(0, 67)}...` : ua}`, () => {
      assert.deepEqual({ ...parseUserAgent(ua) }, { browser, browserVersion, os, osVersion, device });
    });
  }

  it('returns nulls for a missing, empty or unknown header', () => {
    const nothing = { browser: null, browserVersion: null, os: null, osVersion: null, device: null };
    assert.deepEqual({ ...parseUserAgent(undefined) }, nothing);
    assert.deepEqual({ ...parseUserAgent('') }, nothing);
    assert.deepEqual({ ...parseUserAgent('Mozilla/5.0') }, nothing);
  });

  it('returns the same frozen result for a repeated header, and survives filling the cache', () => {
    const ua = REAL_WORLD[0]?.[0] as string;
    const first = parseUserAgent(ua);
    assert.ok(Object.isFrozen(first));
    assert.equal(parseUserAgent(ua), first);
    for (let i = 0; i < 1_000; i++) parseUserAgent(`client-${i}/1.0`);
    assert.deepEqual(parseUserAgent(ua), first);
    assert.equal(parseUserAgent('client-999/1.0').browser, 'client-999');
  });

  it('parses a huge header by its start', () => {
    // The bot marker past the start is not seen: the parser did not read the whole header (how fast it is, is bench/'s business).
    const huge = `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${'a'.repeat(100_000)}bot`;
    assert.deepEqual({ ...parseUserAgent(huge) }, { browser: null, browserVersion: null, os: 'Windows', osVersion: '10', device: 'desktop' });
    assert.equal(parseUserAgent(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${'a'.repeat(10)}bot`).device, 'bot');
  });
});
