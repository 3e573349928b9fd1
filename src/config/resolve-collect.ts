/**
 * The collector's, buffer's and lander's settings from `pond.config.ts`,
 * validated like the rest of the project: a bad value fails with the file and
 * the field, and says what would be right.
 */
import * as path from 'node:path';
import type { CollectOptions, ConfigDefinition, SourceOptions } from '../define/index.ts';
import { parseDuration } from '../partition/index.ts';
import { withLine, type UnsetVariable } from './source-text.ts';
import type { BufferSettings, CollectSettings, LandSettings, SegmentType, SourceModel, StreamModel } from './project.ts';

type Fail = (where: string, message: string, hint?: string) => never;
/** The unset environment variable a field (`collect.sources.app.writeKey`) reads, if it reads one. */
type VariableOf = (field: string) => UnsetVariable | undefined;

export const SEGMENT_TYPES: readonly SegmentType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias'];

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * Bytes in a size, or `undefined` when the text is not one.
 *
 * @example
 * parseSize('32kb') // 32_768
 */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (SIZE_UNITS[(match[2] as string).toLowerCase()] as number));
}

export function resolveCollect(
  config: ConfigDefinition,
  streams: ReadonlyMap<string, StreamModel>,
  where: (field: string) => string,
  fail: Fail,
  variableOf: VariableOf = () => undefined,
): CollectSettings {
  const options: CollectOptions = config.collect ?? {};
  const size = (field: 'maxEventSize' | 'maxRequestSize', fallback: number) => {
    const value = options[field];
    if (value === undefined) return fallback;
    return (
      parseSize(value) ?? fail(where(`collect.${field}`), `"${String(value)}" is not a size`, "write it like '32kb', '500kb' or '1mb', or as a number of bytes")
    );
  };
  const envPort = process.env.POND_PORT;
  const port = envPort ? Number(envPort) : (options.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail(
      envPort ? 'environment variable POND_PORT' : where('collect.port'),
      `${String(envPort ?? options.port)} is not a port`,
      'use a whole number from 0 to 65535 (0 picks a free port)',
    );
  const skew = options.maxClockSkew === undefined ? 86_400_000 : parseDuration(options.maxClockSkew);
  if (skew === undefined) fail(where('collect.maxClockSkew'), `"${String(options.maxClockSkew)}" is not a duration`, "write it like '1h' or '1d'");
  const cors = options.cors ?? '*';
  if (cors !== '*' && !(Array.isArray(cors) && cors.every((o) => typeof o === 'string')))
    fail(where('collect.cors'), "must be '*' or a list of origins", "e.g. ['https://shop.example']");
  const sources = resolveSources(options.sources ?? {}, streams, where, fail, variableOf);
  return {
    port,
    host: options.host ?? '127.0.0.1',
    sources,
    maxEventBytes: size('maxEventSize', 32 * 1024),
    maxRequestBytes: size('maxRequestSize', 500 * 1024),
    truncateIp: options.truncateIp ?? false,
    trustProxy: options.trustProxy ?? false,
    cors,
    maxClockSkewMs: skew as number,
  };
}

function resolveSources(
  sources: Record<string, SourceOptions>,
  streams: ReadonlyMap<string, StreamModel>,
  where: (field: string) => string,
  fail: Fail,
  variableOf: VariableOf,
): SourceModel[] {
  const keys = new Map<string, string>();
  const known = () => [...streams.keys()].join(', ') || '(none)';
  return Object.entries(sources).map(([name, source]) => {
    const at = (field: string) => where(`collect.sources.${name}.${field}`);
    if (source.writeKey === undefined || source.writeKey === '') {
      const variable = variableOf(`collect.sources.${name}.writeKey`);
      if (variable !== undefined)
        fail(
          withLine(at('writeKey'), variable.line),
          `is ${source.writeKey === '' ? 'empty' : 'undefined'}: the environment variable ${variable.name} is not set`,
          `set ${variable.name} to a key of at least 8 characters (e.g. \`openssl rand -hex 16\`) where pond runs, or give a fallback for development: process.env.${variable.name} ?? 'dev-key-…'`,
        );
      fail(
        at('writeKey'),
        `is ${source.writeKey === '' ? 'empty' : 'undefined'} (when it reads an environment variable, that variable is not set)`,
        'set the variable, or give a key of at least 8 characters, e.g. from `openssl rand -hex 16`',
      );
    }
    if (typeof source.writeKey !== 'string' || source.writeKey.length < 8) {
      fail(at('writeKey'), 'must be a string of at least 8 characters', 'generate one, e.g. `openssl rand -hex 16`, and read it from the environment');
    }
    const other = keys.get(source.writeKey);
    if (other !== undefined) fail(at('writeKey'), `is the same as the write key of source "${other}"`, 'give each source its own key');
    keys.set(source.writeKey, name);
    const allowed = new Set<string>();
    for (const stream of source.streams ?? []) {
      if (!streams.has(stream)) fail(at('streams'), `unknown stream "${stream}"`, `known streams: ${known()}`);
      allowed.add(stream);
    }
    const segment: Partial<Record<SegmentType, string>> = {};
    const spec = source.segment;
    if (typeof spec === 'string') {
      for (const type of SEGMENT_TYPES) segment[type] = spec;
    } else if (spec !== undefined) {
      for (const [type, stream] of Object.entries(spec)) {
        if (!SEGMENT_TYPES.includes(type as SegmentType))
          fail(at(`segment.${type}`), `"${type}" is not a Segment call type`, `use ${SEGMENT_TYPES.join(', ')}`);
        segment[type as SegmentType] = stream as string;
      }
    }
    for (const [type, stream] of Object.entries(segment)) {
      if (!streams.has(stream)) fail(at(typeof spec === 'string' ? 'segment' : `segment.${type}`), `unknown stream "${stream}"`, `known streams: ${known()}`);
    }
    return { name, writeKey: source.writeKey, streams: allowed, segment };
  });
}

export function resolveBuffer(config: ConfigDefinition, dir: string, where: (field: string) => string, fail: Fail): BufferSettings {
  const options = config.buffer ?? {};
  const partitions = options.partitions ?? 1;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 256)
    fail(where('buffer.partitions'), `must be a whole number from 1 to 256, got ${String(options.partitions)}`);
  const maxBytes = options.maxSize === undefined ? 1024 ** 3 : parseSize(options.maxSize);
  if (maxBytes === undefined) fail(where('buffer.maxSize'), `"${String(options.maxSize)}" is not a size`, "write it like '512mb' or '4gb'");
  if ((maxBytes as number) < 1024 ** 2)
    fail(
      where('buffer.maxSize'),
      `${String(options.maxSize)} is too small`,
      'give the buffer at least 1mb; a few hundred mb absorb minutes of a landing outage',
    );
  return { dir: path.resolve(dir, '.pond/buffer'), partitions, maxBytes: maxBytes as number };
}

export function resolveLand(config: ConfigDefinition, where: (field: string) => string, fail: Fail): LandSettings {
  const options = config.land ?? {};
  const duration = (field: 'interval' | 'dedupWindow', fallback: number) => {
    const text = options[field];
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    return ms === undefined ? fail(where(`land.${field}`), `"${String(text)}" is not a duration`, "write it like '1s', '500ms' or '24h'") : ms;
  };
  const maxBatch = options.maxBatch ?? 10_000;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) fail(where('land.maxBatch'), `must be a whole number ≥ 1, got ${String(options.maxBatch)}`);
  return { intervalMs: duration('interval', 1000), maxBatch, dedupWindowMs: duration('dedupWindow', 86_400_000) };
}
