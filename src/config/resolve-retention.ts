/**
 * Validates `retention` (per stream, per dataset and the project default in
 * pond.config.ts) and `gc`. Errors are INVALID_PROJECT naming the file, the
 * definition and the field, like every other project rule.
 */
import type { GcOptions, RetentionOptions } from '../define/index.ts';
import { parseDuration } from '../partition/index.ts';
import type { GcSettings, RetentionPolicy } from './project.ts';

type Fail = (where: string, message: string, hint?: string) => never;

/** Keep everything: what a project without `retention` gets. */
export const KEEP_ALL: RetentionPolicy = Object.freeze({ partitionsMs: null, versions: Object.freeze({ keep: null, forMs: null }) });

const GC_DEFAULTS: GcSettings = Object.freeze({ intervalMs: 3_600_000, graceMs: 3_600_000 });
/** A build holds a lease of a minute: a shorter grace could delete what it still reads. */
const MIN_GRACE_MS = 60_000;
const DURATION_HINT = "write it like '12h', '7d' or '30d'";

/**
 * The retention of one stream or dataset (`where` gives "file: dataset "x" field"),
 * or the project default when `base` is left out. A `versions` given replaces
 * the base's `versions` as a whole.
 *
 * @example
 * resolveRetention({ versions: { keep: 3 } }, KEEP_ALL, (f) => `pipelines/p.ts: dataset "daily" field ${f}`, fail)
 * // → { partitionsMs: null, versions: { keep: 3, forMs: null } }
 */
export function resolveRetention(raw: unknown, base: RetentionPolicy, where: (field: string) => string, fail: Fail): RetentionPolicy {
  if (raw === undefined) return base;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail(where('retention'), `must be an object such as { versions: { keep: 3, for: '30d' } }, got ${JSON.stringify(raw)}`);
  const { versions, partitions, ...rest } = raw as RetentionOptions & Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    fail(where(`retention.${unknown}`), 'is not a retention setting', 'retention takes partitions (a duration or forever) and versions: { keep?, for? }');
  let partitionsMs = base.partitionsMs;
  if (partitions !== undefined) {
    const ms = partitions === 'forever' ? null : typeof partitions === 'string' ? parseDuration(partitions) : undefined;
    if (ms === undefined || (ms !== null && ms <= 0))
      fail(
        where('retention.partitions'),
        `${JSON.stringify(partitions)} is neither a positive duration nor 'forever'`,
        "write it like '30d' or '395d' (13 months), or 'forever'",
      );
    partitionsMs = ms as number | null;
  }
  if (versions === undefined) return partitionsMs === base.partitionsMs ? base : Object.freeze({ ...base, partitionsMs });
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions))
    return fail(where('retention.versions'), `must be an object such as { keep: 3, for: '30d' }, got ${JSON.stringify(versions)}`);
  const { keep, for: forText, ...other } = versions as Record<string, unknown>;
  const extra = Object.keys(other)[0];
  if (extra !== undefined) fail(where(`retention.versions.${extra}`), 'is not a version retention setting', 'use keep (a count) and for (a duration)');
  if (keep !== undefined && !(typeof keep === 'number' && Number.isInteger(keep) && keep >= 0)) {
    fail(where('retention.versions.keep'), `must be a whole number ≥ 0 (superseded versions kept per partition), got ${JSON.stringify(keep)}`);
  }
  let forMs: number | null = null;
  if (forText !== undefined) {
    const ms = typeof forText === 'string' ? parseDuration(forText) : undefined;
    if (ms === undefined || ms < 0) fail(where('retention.versions.for'), `${JSON.stringify(forText)} is not a duration`, DURATION_HINT);
    forMs = ms as number;
  }
  return Object.freeze({ partitionsMs, versions: Object.freeze({ keep: (keep as number | undefined) ?? null, forMs }) });
}

/** `gc` in pond.config.ts. */
export function resolveGc(raw: GcOptions | undefined, where: (field: string) => string, fail: Fail): GcSettings {
  if (raw === undefined) return GC_DEFAULTS;
  if (typeof raw !== 'object' || raw === null) return fail(where('gc'), `must be an object such as { interval: '1h' }, got ${JSON.stringify(raw)}`);
  const duration = (value: unknown, field: string, base: number, min: number): number => {
    if (value === undefined) return base;
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined || ms < min)
      return fail(where(`gc.${field}`), `${JSON.stringify(value)} is not a duration of at least ${min / 1000} s`, DURATION_HINT);
    return ms;
  };
  return Object.freeze({
    intervalMs: duration(raw.interval, 'interval', GC_DEFAULTS.intervalMs, 1000),
    graceMs: duration(raw.grace, 'grace', GC_DEFAULTS.graceMs, MIN_GRACE_MS),
  });
}
