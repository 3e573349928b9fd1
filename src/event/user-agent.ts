/**
 * Browser, operating system and kind of device from a User-Agent header, for
 * the columns every collected event gets. Hand-written rather than a full
 * database (ua-parser-js, uap-core): it only needs to name the common
 * browsers, SDKs and bots, and a dependency would have to earn its place.
 *
 * The same few agents send most requests, so the last few hundred results are
 * kept in a small LRU. The regular expressions used are linear, and long
 * headers are cut before parsing: the header is sent by anyone.
 */

export type DeviceKind = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';

export interface UserAgent {
  /** Browser, bot or client library: `'Chrome'`, `'Googlebot'`, `'curl'`, `'analytics-node-next'`. */
  readonly browser: string | null;
  /** As written in the header: `'120.0.6099.109'`. */
  readonly browserVersion: string | null;
  /** `'Windows'`, `'macOS'`, `'iOS'`, `'iPadOS'`, `'Android'`, `'Linux'`, `'ChromeOS'`. */
  readonly os: string | null;
  /** `'10'` for Windows 10 and 11 (their headers are the same), `'10.15.7'` for macOS. */
  readonly osVersion: string | null;
  /** `'other'` for HTTP clients and SDKs that are not browsers. */
  readonly device: DeviceKind | null;
}

/**
 * Parses a User-Agent header. The result is frozen and may be shared between calls.
 *
 * @example
 * parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1')
 * // { browser: 'Chrome', browserVersion: '120.0.6099.119', os: 'iOS', osVersion: '17.2', device: 'mobile' }
 * parseUserAgent('curl/8.4.0')
 * // { browser: 'curl', browserVersion: '8.4.0', os: null, osVersion: null, device: 'other' }
 */
export function parseUserAgent(ua: string | undefined): UserAgent {
  if (ua === undefined) return UNKNOWN;
  const hit = cache.get(ua);
  if (hit !== undefined) {
    // Map keeps insertion order: moving a hit to the end makes the first key the least recently used.
    cache.delete(ua);
    cache.set(ua, hit);
    return hit;
  }
  const parsed = Object.freeze(parse(ua.length > MAX_PARSED_LENGTH ? ua.slice(0, MAX_PARSED_LENGTH) : ua));
  if (ua.length <= MAX_PARSED_LENGTH) {
    cache.set(ua, parsed);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  return parsed;
}

const CACHE_SIZE = 500;
/** Real headers stay under ~500 characters; longer ones are parsed by their start and not cached. */
const MAX_PARSED_LENGTH = 1_024;
const cache = new Map<string, UserAgent>();

const UNKNOWN: UserAgent = Object.freeze({ browser: null, browserVersion: null, os: null, osVersion: null, device: null });

function parse(ua: string): UserAgent {
  if (ua.trim() === '') return UNKNOWN;
  const bot = parseBot(ua);
  if (bot) return bot;
  const [os, osVersion] = parseOs(ua);
  // Browsers start with `Mozilla/`; other clients name themselves first: `curl/8.4.0`, `okhttp/4.12.0`.
  if (!ua.startsWith('Mozilla/') && !ua.startsWith('Opera/')) {
    const product = /^([^\s/;()]+)(?:\/([^\s;()]+))?/.exec(ua);
    if (product) return { browser: product[1] as string, browserVersion: product[2] ?? null, os, osVersion, device: 'other' };
  }
  const [browser, browserVersion] = parseBrowser(ua);
  return { browser, browserVersion, os, osVersion, device: deviceOf(ua, os) };
}

/** Checked in order: Chromium-based browsers name Chrome and Safari too, so the specific ones come first. */
const BROWSERS: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/([\d.]+)/],
  ['Opera', /\bOPR\/([\d.]+)/],
  ['Opera', /\bOPiOS\/([\d.]+)/],
  ['Opera', /^Opera\/.*?\bVersion\/([\d.]+)/],
  ['Samsung Internet', /\bSamsungBrowser\/([\d.]+)/],
  ['Chrome', /\bCriOS\/([\d.]+)/],
  ['Firefox', /\bFxiOS\/([\d.]+)/],
  ['Firefox', /\bFirefox\/([\d.]+)/],
  ['Chrome', /\b(?:Chrome|Chromium)\/([\d.]+)/],
  ['Safari', /\bVersion\/([\d.]+).*?\bSafari\//],
  ['Internet Explorer', /\bMSIE ([\d.]+)/],
  ['Internet Explorer', /\bTrident\/.*?\brv:([\d.]+)/],
];

function parseBrowser(ua: string): [string | null, string | null] {
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) return [name, match[1] ?? null];
  }
  return [null, null];
}

const WINDOWS_VERSIONS: Readonly<Record<string, string>> = {
  '10.0': '10', // Windows 11 sends 10.0 too
  '6.3': '8.1',
  '6.2': '8',
  '6.1': '7',
  '6.0': 'Vista',
  '5.2': 'XP',
  '5.1': 'XP',
};

function parseOs(ua: string): [string | null, string | null] {
  let match = /\bWindows Phone(?: OS)? ([\d.]+)/.exec(ua);
  if (match) return ['Windows Phone', match[1] as string];
  match = /\bWindows NT ([\d.]+)/.exec(ua);
  if (match) return ['Windows', WINDOWS_VERSIONS[match[1] as string] ?? (match[1] as string)];
  if (/\b(?:iPhone|iPod|iPad)\b/.test(ua)) {
    const version = /\bOS (\d+(?:[_.]\d+)*) like Mac OS X/.exec(ua)?.[1]?.replaceAll('_', '.') ?? null;
    return [ua.includes('iPad') ? 'iPadOS' : 'iOS', version];
  }
  match = /\bAndroid(?:[ /]([\d.]+))?/.exec(ua);
  if (match) return ['Android', match[1] ?? null];
  match = /\bCrOS \S+ ([\d.]+)/.exec(ua);
  if (match) return ['ChromeOS', match[1] as string];
  match = /\bMac OS X(?: (\d+(?:[_.]\d+)*))?/.exec(ua);
  if (match) return ['macOS', match[1]?.replaceAll('_', '.') ?? null];
  if (/\bWindows\b/.test(ua)) return ['Windows', null];
  if (/\b(?:Linux|X11|Ubuntu|Fedora)\b/.test(ua)) return ['Linux', null];
  return [null, null];
}

function deviceOf(ua: string, os: string | null): DeviceKind | null {
  if (os === 'iPadOS' || /\bTablet\b/.test(ua)) return 'tablet';
  // Android phones send "Mobile"; Android tablets do not.
  if (os === 'Android') return /\bMobile\b/.test(ua) ? 'mobile' : 'tablet';
  if (os === 'iOS' || os === 'Windows Phone' || /\bMobile\b/.test(ua)) return 'mobile';
  if (os === 'Windows' || os === 'macOS' || os === 'Linux' || os === 'ChromeOS') return 'desktop';
  return null;
}

/** Crawlers and headless browsers. Their OS is what they pretend to be, so it is not reported. */
function parseBot(ua: string): UserAgent | undefined {
  if (!/bot\b|bot[/-]|crawl|spider|slurp|facebookexternalhit|HeadlessChrome|Lighthouse/i.test(ua)) return undefined;
  // The bot names itself in a token such as `Googlebot/2.1`, `AhrefsBot/7.0`, `facebookexternalhit/1.1`;
  // skip URLs such as `+http://www.google.com/bot.html`.
  for (const token of ua.split(/[\s;()]+/)) {
    if (token.startsWith('+') || token.includes('://') || token.startsWith('Mozilla/')) continue;
    if (!/bot|crawl|spider|slurp|facebookexternalhit|HeadlessChrome|Lighthouse/i.test(token)) continue;
    const slash = token.indexOf('/');
    const name = slash === -1 ? token : token.slice(0, slash);
    const version = slash === -1 ? null : (/^[\w.]+/.exec(token.slice(slash + 1))?.[0] ?? null);
    return { browser: name, browserVersion: version, os: null, osVersion: null, device: 'bot' };
  }
  return { browser: null, browserVersion: null, os: null, osVersion: null, device: 'bot' };
}
