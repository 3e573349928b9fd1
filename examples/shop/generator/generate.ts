/**
 * A deterministic generator of realistic shop events for any time range.
 *
 * The same options (seed included) always give the same events in the same
 * order. What it models:
 * - a daily rhythm: users are busiest in the UTC afternoon, quiet at night;
 *   devices report around the clock;
 * - device temperatures that follow a daily cycle, drift slowly, and now and
 *   then glitch to impossible readings (which the clean step drops);
 * - sessions: a login, then a few button presses, some of them one-click
 *   purchases (a few with broken prices, which the clean step drops);
 * - a `users` profile record emitted once before a user's first activity, and
 *   again when the user changes plan;
 * - late events: emitted hours after their neighbours in time;
 * - malformed events (missing fields, wrong types, bad timestamps) that fail
 *   the stream's JSON Schema and go to the dead letters.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export type StreamName = 'device_events' | 'user_events' | 'users' | 'web_events';

export const STREAM_NAMES: readonly StreamName[] = ['device_events', 'user_events', 'users', 'web_events'];

export interface GenerateOptions {
  /** First instant (inclusive). */
  from: Date;
  /** Last instant (exclusive). */
  to: Date;
  /** Average device and user events per hour over a day. Default 120. */
  eventsPerHour?: number;
  /** Number of devices. Default 20. */
  devices?: number;
  /** Number of users. Default 200. */
  users?: number;
  /** Share of device and user events emitted hours late. Default 0.01. */
  lateFraction?: number;
  /** Share of device and user events that are malformed. Default 0.005. */
  malformedFraction?: number;
  /** PRNG seed. Default 42. */
  seed?: number;
}

export interface GeneratedEvent {
  stream: StreamName;
  event: unknown;
}

export interface GenerateStats {
  counts: Record<StreamName, number>;
  late: number;
  malformed: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** mulberry32: small, fast and good enough for test data. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  int(min: number, maxInclusive: number): number {
    return Math.floor(this.between(min, maxInclusive + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }
  /** A standard normal sample (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** A Poisson sample with mean `lambda`. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

const CATALOG = [
  { sku: 'COF-1KG', description: 'Whole bean coffee, 1 kg', unit_price: 24.9, weight: 8 },
  { sku: 'TWL-6PK', description: 'Paper towels, 6 rolls', unit_price: 11.49, weight: 10 },
  { sku: 'DET-2L', description: 'Laundry detergent, 2 l', unit_price: 14.99, weight: 7 },
  { sku: 'DOG-12KG', description: 'Dry dog food, 12 kg', unit_price: 54.0, weight: 4 },
  { sku: 'BAT-AA12', description: 'AA batteries, 12-pack', unit_price: 9.99, weight: 6 },
  { sku: 'TPS-3PK', description: 'Toothpaste, 3-pack', unit_price: 7.75, weight: 6 },
  { sku: 'OAT-6PK', description: 'Oat milk, 6 x 1 l', unit_price: 15.6, weight: 7 },
  { sku: 'INK-BLK', description: 'Printer ink, black', unit_price: 32.99, weight: 2 },
  { sku: 'BAG-50', description: 'Trash bags, 50 count', unit_price: 8.49, weight: 6 },
  { sku: 'FLT-H2O', description: 'Water filter cartridge', unit_price: 19.95, weight: 3 },
  { sku: 'LED-4PK', description: 'LED light bulbs, 4-pack', unit_price: 12.99, weight: 3 },
  { sku: 'DIA-M84', description: 'Diapers, size 3, 84 count', unit_price: 39.99, weight: 4 },
  { sku: 'SPK-24', description: 'Sparkling water, 24 cans', unit_price: 13.25, weight: 5 },
  { sku: 'OIL-1L', description: 'Extra virgin olive oil, 1 l', unit_price: 17.5, weight: 3 },
  { sku: 'VIT-D90', description: 'Vitamin D, 90 capsules', unit_price: 10.99, weight: 2 },
] as const;

const COUNTRIES: readonly (readonly [string, number])[] = [
  ['US', 35],
  ['GB', 12],
  ['DE', 12],
  ['FR', 8],
  ['CA', 7],
  ['JP', 6],
  ['BR', 6],
  ['NL', 5],
  ['IN', 5],
  ['AU', 4],
];

const PLANS: readonly (readonly ['free' | 'plus' | 'pro', number])[] = [
  ['free', 60],
  ['plus', 30],
  ['pro', 10],
];

const LOGIN_METHODS: readonly (readonly [string, number])[] = [
  ['password', 50],
  ['sso', 20],
  ['magic_link', 15],
  ['passkey', 15],
];

const OTHER_BUTTONS: readonly (readonly [string, number])[] = [
  ['add to wishlist', 30],
  ['track order', 35],
  ['reorder suggestion', 20],
  ['help', 15],
];

const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloé',
  'Dmitri',
  'Emma',
  'Felipe',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kavya',
  'Liam',
  'Mia',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rafael',
  'Sofia',
  'Tom',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Andersen',
  'Baker',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'García',
  'Hoffmann',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Müller',
  'Nakamura',
  'Okafor',
  'Patel',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Weber',
];

interface Device {
  id: string;
  baseF: number;
  amplitudeF: number;
  /** Hours after UTC midnight when the room is warmest. */
  peakHour: number;
  driftFPerDay: number;
  /** null: mains powered, reports no battery. */
  batteryStart: number | null;
  batteryDrainPerDay: number;
}

interface User {
  id: string;
  name: string;
  country: string;
  plan: 'free' | 'plus' | 'pro';
  signupMs: number | null;
  method: string;
  homeDevice: string;
  otherDevice: string;
  activity: number;
  emitted: boolean;
}

interface Pending {
  emitAt: number;
  seq: number;
  stream: StreamName;
  event: Record<string, unknown>;
}

/** Seconds precision ISO 8601 in UTC: `2026-11-20T14:03:11Z`. */
function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Activity by UTC hour, averaging 1 over a day: quiet at night, busiest mid-afternoon. */
const RHYTHM: readonly number[] = (() => {
  const raw = Array.from({ length: 24 }, (_, h) => 0.15 + (0.5 - 0.5 * Math.cos((2 * Math.PI * (h - 3)) / 24)) ** 2);
  const mean = raw.reduce((a, b) => a + b, 0) / 24;
  return raw.map((r) => r / mean);
})();

/**
 * Yields events in the order a collector would receive them: by time, except
 * for the late ones. Device and user events fall in `[from, to)`.
 */
export function generateEvents(options: GenerateOptions): Generator<GeneratedEvent> {
  return generate(options, { counts: { device_events: 0, user_events: 0, users: 0, web_events: 0 }, late: 0, malformed: 0 });
}

function* generate(options: GenerateOptions, stats: GenerateStats): Generator<GeneratedEvent> {
  const from = options.from.getTime();
  const to = options.to.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new Error('generateEvents: from and to must be valid dates');
  if (to <= from) return;
  const eventsPerHour = options.eventsPerHour ?? 120;
  const deviceCount = Math.max(1, Math.floor(options.devices ?? 20));
  const userCount = Math.max(1, Math.floor(options.users ?? 200));
  const lateFraction = options.lateFraction ?? 0.01;
  const malformedFraction = options.malformedFraction ?? 0.005;
  const rnd = new Random(options.seed ?? 42);

  const devices: Device[] = Array.from({ length: deviceCount }, (_, i) => {
    const cold = rnd.chance(0.15); // garage or porch
    return {
      id: `dev-${String(i + 1).padStart(4, '0')}`,
      baseF: cold ? rnd.between(45, 58) : rnd.between(64, 75),
      amplitudeF: cold ? rnd.between(5, 12) : rnd.between(1.5, 5),
      peakHour: rnd.between(12, 22),
      driftFPerDay: rnd.between(-0.4, 0.8),
      batteryStart: rnd.chance(0.7) ? rnd.between(35, 100) : null,
      batteryDrainPerDay: rnd.between(0.5, 3),
    };
  });

  const users: User[] = Array.from({ length: userCount }, (_, i) => {
    const country = rnd.weighted(COUNTRIES);
    const newcomer = rnd.chance(0.25); // signs up during the range
    return {
      id: `user-${String(i + 1).padStart(5, '0')}`,
      name: `${rnd.pick(FIRST_NAMES)} ${rnd.pick(LAST_NAMES)}`,
      country,
      plan: newcomer ? 'free' : rnd.weighted(PLANS),
      signupMs: newcomer ? null : from - Math.floor(rnd.between(1, 900) * DAY_MS),
      method: rnd.weighted(LOGIN_METHODS),
      homeDevice: (devices[i % deviceCount] as Device).id,
      otherDevice: rnd.pick(devices).id,
      // A few heavy users, many occasional ones.
      activity: 0.02 + rnd.next() ** 3,
      emitted: false,
    };
  });
  const userWeights = users.map((u) => [u, u.activity] as const);

  let seq = 0;
  let pending: Pending[] = [];
  // Segment message ids as a library makes them: random-looking, naming nobody (an id built from the user id, as
  // `web-<userId>-…` was, keeps the subject in clear beside its pseudonym). A hash of the options and a counter keeps
  // them deterministic, and unique across ranges (the demo sends range after range), without a draw from `rnd`.
  let messages = 0;
  const messageId = (): string =>
    uuidOf(
      createHash('sha256')
        .update(`${options.seed ?? 42}/${from}/${messages++}`)
        .digest('hex'),
    );
  const segmentCall = (type: 'page' | 'track', userId: string, t: number, fields: Record<string, unknown>): Record<string, unknown> =>
    segmentMessage(messageId(), type, userId, t, fields);

  const push = (stream: StreamName, timeMs: number, event: Record<string, unknown>, canBeBad: boolean): void => {
    let emitAt = timeMs;
    let out = event;
    if (canBeBad) {
      if (rnd.chance(malformedFraction)) {
        out = malform(rnd, stream, event);
        stats.malformed++;
      } else if (rnd.chance(lateFraction)) {
        emitAt = timeMs + rnd.between(1, 6) * HOUR_MS;
        stats.late++;
      }
    }
    pending.push({ emitAt, seq: seq++, stream, event: out });
  };

  const profile = (user: User, timeMs: number): Record<string, unknown> => ({
    user_id: user.id,
    name: user.name,
    country: user.country,
    signup_time_utc: iso(user.signupMs ?? timeMs),
    plan: user.plan,
    time_utc: iso(timeMs),
  });

  const firstHour = Math.floor(from / HOUR_MS) * HOUR_MS;
  for (let hourStart = firstHour; hourStart < to; hourStart += HOUR_MS) {
    const lo = Math.max(hourStart, from);
    const hi = Math.min(hourStart + HOUR_MS, to);
    const hourOfDay = new Date(hourStart).getUTCHours();
    const inRange = (ms: number): boolean => ms >= lo && ms < hi;

    // Devices report around the clock.
    const perDevice = (eventsPerHour * 0.4) / deviceCount;
    for (const device of devices) {
      const n = Math.floor(perDevice) + (rnd.chance(perDevice % 1) ? 1 : 0);
      for (let k = 0; k < n; k++) {
        const t = hourStart + Math.floor(rnd.next() * HOUR_MS);
        const reading = deviceReading(rnd, device, t, from);
        if (inRange(t)) push('device_events', t, reading, true);
      }
    }

    // Users come in sessions: a login, then one to four button presses.
    const sessions = rnd.poisson((eventsPerHour * 0.6 * (RHYTHM[hourOfDay] as number)) / 3.3);
    const starts = Array.from({ length: sessions }, () => hourStart + Math.floor(rnd.next() * HOUR_MS)).sort((a, b) => a - b);
    for (const start of starts) {
      if (!inRange(start)) continue;
      const user = rnd.weighted(userWeights);
      const deviceId = rnd.chance(0.8) ? user.homeDevice : user.otherDevice;
      if (!user.emitted) {
        user.emitted = true;
        const at = Math.max(lo, start - rnd.int(5, 120) * 1000);
        if (user.signupMs === null) user.signupMs = at;
        push('users', at, profile(user, at), false);
      } else if (user.plan !== 'pro' && rnd.chance(0.006)) {
        user.plan = user.plan === 'free' ? 'plus' : 'pro';
        push('users', Math.max(lo, start - 1000), profile(user, Math.max(lo, start - 1000)), false);
      }
      // The website's Segment library reports the visit as a page call (no random draws: the other streams stay as they were).
      push('web_events', start, segmentCall('page', user.id, start, { name: 'Home', properties: { path: '/', title: 'Shop' } }), false);
      push(
        'user_events',
        start,
        {
          event_type: 'login',
          user_id: user.id,
          device_id: deviceId,
          time_utc: iso(start),
          method: rnd.chance(0.9) ? user.method : rnd.weighted(LOGIN_METHODS),
        },
        true,
      );
      let t = start;
      const presses = rnd.weighted([
        [1, 35],
        [2, 30],
        [3, 20],
        [4, 15],
      ] as const);
      for (let p = 0; p < presses; p++) {
        t += rnd.int(20, 360) * 1000;
        if (t >= to) break;
        const event: Record<string, unknown> = {
          event_type: 'button_pressed',
          user_id: user.id,
          device_id: deviceId,
          time_utc: iso(t),
        };
        if (rnd.chance(0.4)) {
          event.button = 'one-click purchase';
          event.purchased_items = basket(rnd);
        } else {
          event.button = rnd.weighted(OTHER_BUTTONS);
        }
        push('user_events', t, event, true);
        push('web_events', t, segmentCall('track', user.id, t, { event: 'Button Pressed', properties: { button: event.button } }), false);
      }
    }

    // Everything due before the next hour is final: emit it in arrival order.
    const due = hourStart + HOUR_MS;
    pending.sort((a, b) => a.emitAt - b.emitAt || a.seq - b.seq);
    const cut = pending.findIndex((p) => p.emitAt >= due);
    const ready = cut === -1 ? pending : pending.slice(0, cut);
    pending = cut === -1 ? [] : pending.slice(cut);
    for (const p of ready) {
      stats.counts[p.stream]++;
      yield { stream: p.stream, event: p.event };
    }
  }
  pending.sort((a, b) => a.emitAt - b.emitAt || a.seq - b.seq);
  for (const p of pending) {
    stats.counts[p.stream]++;
    yield { stream: p.stream, event: p.event };
  }
}

/** A message as a Segment library sends it (Pond's Segment API adds receivedAt and corrects the timestamp). */
function segmentMessage(messageId: string, type: 'page' | 'track', userId: string, t: number, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    messageId,
    userId,
    timestamp: iso(t),
    ...fields,
    context: { library: { name: 'analytics.js', version: '2.11.1' }, page: { path: '/' } },
  };
}

/** 32 hex digits as a version 4 UUID, as analytics.js makes message ids. */
function uuidOf(hex: string): string {
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function deviceReading(rnd: Random, device: Device, t: number, from: number): Record<string, unknown> {
  const days = (t - from) / DAY_MS;
  const hour = (t % DAY_MS) / HOUR_MS;
  let fahrenheit = device.baseF + device.driftFPerDay * days + device.amplitudeF * Math.cos((2 * Math.PI * (hour - device.peakHour)) / 24) + 0.4 * rnd.normal();
  const glitch = rnd.chance(0.012);
  if (glitch) fahrenheit = rnd.pick([-196.6, -58.0, 185.0, 327.6, 999.9]);
  const battery = device.batteryStart === null ? null : Math.max(1, Math.min(100, Math.round(device.batteryStart - device.batteryDrainPerDay * days)));
  let status = 'ok';
  if (glitch) status = rnd.chance(0.6) ? 'error' : 'ok';
  else if (fahrenheit > 95 || (battery !== null && battery < 15) || rnd.chance(0.01)) status = 'warning';
  else if (rnd.chance(0.002)) status = 'error';
  const event: Record<string, unknown> = {
    event_type: 'environmental_info',
    device_id: device.id,
    time_utc: iso(t),
    degrees_fahrenheit: round(fahrenheit, 1),
    status,
  };
  if (battery !== null) event.battery_pct = battery;
  return event;
}

function basket(rnd: Random): Record<string, unknown>[] {
  const lines = rnd.weighted([
    [1, 60],
    [2, 28],
    [3, 12],
  ] as const);
  const chosen = new Set<(typeof CATALOG)[number]>();
  while (chosen.size < lines) chosen.add(rnd.weighted(CATALOG.map((c) => [c, c.weight] as const)));
  return [...chosen].map((item) => {
    // A pricing bug now and then: free or negative prices, dropped by the clean step.
    const broken = rnd.chance(0.02);
    return {
      sku: item.sku,
      description: item.description,
      unit_price: broken ? rnd.pick([0, -item.unit_price]) : item.unit_price,
      quantity: rnd.weighted([
        [1, 70],
        [2, 20],
        [3, 10],
      ] as const),
    };
  });
}

/** A copy of `event` that fails its stream's schema: a missing field, a wrong type or a bad timestamp. */
function malform(rnd: Random, stream: StreamName, event: Record<string, unknown>): Record<string, unknown> {
  const bad = { ...event };
  const time = String(event.time_utc);
  const kind = rnd.int(0, 2);
  if (kind === 0) {
    // A missing required field.
    const required =
      stream === 'device_events' ? ['device_id', 'degrees_fahrenheit', 'status'] : event.event_type === 'login' ? ['user_id', 'method'] : ['user_id', 'button'];
    delete bad[rnd.pick(required)];
  } else if (kind === 1) {
    // A wrong type.
    if (stream === 'device_events') {
      if (rnd.chance(0.5)) bad.degrees_fahrenheit = `${String(event.degrees_fahrenheit)}F`;
      else bad.status = 'OVERHEAT';
    } else if (Array.isArray(event.purchased_items)) {
      bad.purchased_items = (event.purchased_items as Record<string, unknown>[]).map((item) => ({
        ...item,
        unit_price: `$${String(item.unit_price)}`,
      }));
    } else {
      bad.user_id = Number(String(event.user_id).replace(/\D/g, ''));
    }
  } else {
    // A bad timestamp: local time without a zone, a US date, epoch millis, nonsense.
    const ms = Date.parse(time);
    bad.time_utc = rnd.pick([time.replace('Z', ''), `${time.slice(5, 7)}/${time.slice(8, 10)}/${time.slice(0, 4)} ${time.slice(11, 19)}`, ms, 'yesterday']);
  }
  return bad;
}

export interface WriteResult {
  /** The NDJSON file of each stream. */
  files: Record<StreamName, string>;
  counts: Record<StreamName, number>;
  late: number;
  malformed: number;
}

/** Writes `DIR/<stream>.ndjson` for each stream (replacing them) and returns the counts. */
export async function writeNdjsonFiles(dir: string, options: GenerateOptions): Promise<WriteResult> {
  await mkdir(dir, { recursive: true });
  const files = Object.fromEntries(STREAM_NAMES.map((s) => [s, join(dir, `${s}.ndjson`)])) as Record<StreamName, string>;
  const handles = {} as Record<StreamName, FileHandle>;
  const buffers = Object.fromEntries(STREAM_NAMES.map((s) => [s, [] as string[]])) as Record<StreamName, string[]>;
  const stats: GenerateStats = { counts: { device_events: 0, user_events: 0, users: 0, web_events: 0 }, late: 0, malformed: 0 };
  try {
    for (const s of STREAM_NAMES) handles[s] = await open(files[s], 'w');
    const flush = async (s: StreamName): Promise<void> => {
      if (buffers[s].length === 0) return;
      await handles[s].write(buffers[s].join(''));
      buffers[s] = [];
    };
    for (const { stream, event } of generate(options, stats)) {
      buffers[stream].push(`${JSON.stringify(event)}\n`);
      if (buffers[stream].length >= 5000) await flush(stream);
    }
    for (const s of STREAM_NAMES) await flush(s);
  } finally {
    for (const s of STREAM_NAMES) await handles[s]?.close();
  }
  return { files, counts: stats.counts, late: stats.late, malformed: stats.malformed };
}
