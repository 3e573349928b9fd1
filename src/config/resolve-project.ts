/**
 * Turns what a project declared into the validated model. Every rule here
 * fails with INVALID_PROJECT, naming the file, the definition and the field,
 * and saying what would be right.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ConfigDefinition, DatasetDefinition, GrainSpec, InputSpec, RetryOptions, StreamDefinition } from '../define/index.ts';
import { GRAINS, everyGrain, parseDuration, parseInstant, UNPARTITIONED, type Partitioning } from '../partition/index.ts';
import { PondError } from '../errors/index.ts';
import { COMPATIBILITY_MODES, compileEventSchema, projectColumns, RAW_META_COLUMNS, type CompatibilityMode } from '../schema/index.ts';
import { findCycle } from './find-cycle.ts';
import { resolveChecks, resolveContract, resolveKey, type CheckScope } from './resolve-checks.ts';
import { resolveBuffer, resolveCollect, resolveLand } from './resolve-collect.ts';
import { resolveApi } from './resolve-api.ts';
import { resolveSinks } from './resolve-sinks.ts';
import { resolveDatasetPii, resolveStreamPii } from './resolve-pii.ts';
import { encryptedColumns, protectsPersonalData } from './encrypted-columns.ts';
import { resolvePrivacy } from './resolve-privacy.ts';
import { KEEP_ALL, resolveGc, resolveRetention } from './resolve-retention.ts';
import { CONFIG_FIELDS, DATASET_FIELDS, STREAM_FIELDS, unknownField, type FieldRule } from './known-fields.ts';
import { keyLine, nameOffset, readText, unsetVariable, type UnsetVariable } from './source-text.ts';
import {
  DEAD_LETTER_PREFIX,
  type DatasetModel,
  type Project,
  type ResolvedInput,
  type ResolvedMapping,
  type RetryPolicy,
  type StreamModel,
} from './project.ts';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const RESERVED = new Set(['pond_partition', 'dead_letters']);

export interface Declarations {
  readonly dir: string;
  readonly configFile: string;
  readonly config: ConfigDefinition;
  readonly streams: readonly StreamDefinition[];
  readonly datasets: readonly DatasetDefinition[];
  /** Where each definition was found, when the stack did not tell. */
  readonly foundIn: ReadonlyMap<object, string>;
  /** The files the project was loaded from (pond.config.ts and the pipeline files). */
  readonly files?: readonly string[];
}

export function resolveProject(decl: Declarations): Project {
  const rel = (file: string | undefined) => (file ? path.relative(decl.dir, file) || file : decl.configFile);
  const fileOf = (def: StreamDefinition | DatasetDefinition) => rel(decl.foundIn.get(def) ?? def.definedIn);
  const fail = (where: string, message: string, hint?: string): never => {
    throw new PondError('INVALID_PROJECT', message, { where, hint });
  };
  const config = decl.config;
  const configWhere = (field: string) => `${rel(decl.configFile)}: field ${field}`;
  // Files are read only to say where something is wrong, once it is.
  const texts = new Map<string, string | undefined>();
  const textOf = (file: string) => {
    if (!texts.has(file)) texts.set(file, readText(path.resolve(decl.dir, file)));
    return texts.get(file);
  };
  /** The unset environment variable a field of a file reads (`owner`: the definition's name, to look after it). */
  const variableOf =
    (file: string, owner: string | undefined) =>
    (field: string): UnsetVariable | undefined => {
      const text = textOf(file);
      if (text === undefined) return undefined;
      const keys = field.replace(/\[\d+\]/g, '').split('.');
      return unsetVariable(text, keys, process.env, owner === undefined ? 0 : (nameOffset(text, owner) ?? 0));
    };

  // Misspelled keys first: a typo (`shema`, `parition`) would otherwise surface as a missing field, or not at all.
  rejectUnknownFields(config, CONFIG_FIELDS, rel(decl.configFile), undefined, textOf, fail);
  for (const def of [...decl.streams, ...decl.datasets]) {
    rejectUnknownFields(def, def.kind === 'stream' ? STREAM_FIELDS : DATASET_FIELDS, fileOf(def), def, textOf, fail);
  }

  const concurrency = config.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) fail(configWhere('concurrency'), `must be a whole number ≥ 1, got ${String(config.concurrency)}`);
  const defaultRetries = resolveRetries(config.retries, { attempts: 3, backoffMs: 1000, maxBackoffMs: 300_000 }, configWhere, fail);
  const defaultCompatibility = resolveCompatibility(config.schemaCompatibility, 'BACKWARD', configWhere('schemaCompatibility'), fail);
  const defaultRetention = resolveRetention(config.retention, KEEP_ALL, configWhere, fail);
  const privacy = resolvePrivacy(config.privacy, decl.dir, configWhere, fail);

  // Names first: everything else refers to them.
  const names = new Map<string, string>();
  for (const def of [...decl.streams, ...decl.datasets]) {
    const where = `${fileOf(def)}: ${def.kind} "${def.name}"`;
    if (typeof def.name !== 'string' || !NAME.test(def.name)) {
      fail(
        `${fileOf(def)}: ${def.kind} field name`,
        `"${String(def.name)}" is not a valid name`,
        'use lower-case letters, digits and _, starting with a letter (it becomes a SQL view name)',
      );
    }
    if (RESERVED.has(def.name)) fail(`${where} field name`, `"${def.name}" is reserved by Pond`);
    const earlier = names.get(def.name);
    if (earlier !== undefined) fail(`${where} field name`, `the name "${def.name}" is already used by ${earlier}`, 'give each stream and dataset its own name');
    names.set(def.name, `the ${def.kind} in ${fileOf(def)}`);
  }

  const streams = new Map<string, StreamModel>();
  for (const def of decl.streams) {
    const file = fileOf(def);
    const where = (field: string) => `${file}: stream "${def.name}" field ${field}`;
    if (typeof def.schema !== 'string') fail(where('schema'), 'is required: the path of the JSON Schema file, relative to the project folder');
    const schemaPath = path.resolve(decl.dir, def.schema);
    let schema: Record<string, unknown>;
    try {
      schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      return fail(where('schema'), `cannot read JSON Schema ${def.schema}: ${(error as Error).message}`);
    }
    let validate;
    try {
      validate = compileEventSchema(schema);
    } catch (error) {
      return fail(`${def.schema}`, `is not a valid JSON Schema: ${(error as Error).message}`);
    }
    if (typeof def.time !== 'string' || def.time === '') fail(where('time'), 'is required: the event-time field, such as "time_utc"');
    const partitioning = resolveGrain(def.partition ?? 'hour', where('partition'), fail);
    if (partitioning.kind === 'none')
      fail(where('partition'), 'a stream must be partitioned by time', "use 'minute', 'hour', 'day', 'month' or { every: '10s' }");
    const columns = [...projectColumns(schema), ...RAW_META_COLUMNS];
    const checkScope: CheckScope = { owner: `${file}: stream "${def.name}"`, self: def.name, columns, names: new Set(names.keys()), fail };
    const pii = resolveStreamPii(def.pii, {
      owner: `${file}: stream "${def.name}"`,
      schemaFile: def.schema,
      schema,
      columns: columns.filter((c) => !c.name.startsWith('_')).map((c) => c.name),
      fail,
    });
    streams.set(def.name, {
      kind: 'stream',
      name: def.name,
      file,
      schemaFile: def.schema,
      schema,
      validate,
      columns: encryptedColumns(columns, pii),
      clearColumns: columns,
      timeField: def.time.split('.'),
      partitioning,
      latenessMs: resolveDuration(def.lateness ?? '10m', where('lateness'), fail),
      startMs: def.start === undefined ? null : resolveInstant(def.start, where('start'), fail),
      deadLetter: `${DEAD_LETTER_PREFIX}${def.name}`,
      compatibility: resolveCompatibility(def.compatibility, defaultCompatibility, where('compatibility'), fail),
      checks: resolveChecks(def.checks, checkScope),
      key: resolveKey(def.key, ['_message_id'], checkScope),
      pii,
      forgotten: privacy.forgotten,
      retention: resolveRetention(def.retention, defaultRetention, where, fail),
    });
  }

  // Datasets: inputs, grains, mappings, then the dependency graph.
  const partial = new Map<
    string,
    Omit<DatasetModel, 'depth' | 'codeFingerprint'> & {
      fingerprintSource: string;
      partitionSpec: GrainSpec | 'none' | undefined;
      declaresPartitionRetention: boolean;
    }
  >();
  for (const def of decl.datasets) {
    const file = fileOf(def);
    const where = (field: string) => `${file}: dataset "${def.name}" field ${field}`;
    const hasSql = typeof def.sql === 'string' && def.sql.trim() !== '';
    const hasTs = typeof def.transform === 'function';
    if (hasSql === hasTs)
      fail(
        where(hasSql ? 'transform' : 'sql'),
        hasSql ? 'give either sql or transform, not both' : 'is required: give the transformation as sql (DuckDB SQL) or transform (a TypeScript function)',
      );
    if (typeof def.inputs !== 'object' || def.inputs === null) fail(where('inputs'), 'is required: an object of { name: stream or dataset }');
    const rawInputs = Object.entries(def.inputs as Record<string, InputSpec>);
    const inputs: Array<{ alias: string; source: string; map: unknown }> = [];
    for (const [alias, spec] of rawInputs) {
      if (!NAME.test(alias))
        fail(where(`inputs.${alias}`), `"${alias}" is not a valid input name`, 'use lower-case letters, digits and _ (it becomes a SQL view name)');
      const ref = typeof spec === 'object' && spec !== null && 'from' in spec ? spec.from : spec;
      const map = typeof spec === 'object' && spec !== null && 'from' in spec ? spec.map : undefined;
      const source = typeof ref === 'string' ? ref : (ref as { name?: unknown } | undefined)?.name;
      if (typeof source !== 'string' || !names.has(source)) {
        fail(where(`inputs.${alias}`), `unknown input "${String(source)}"`, `known streams and datasets: ${[...names.keys()].sort().join(', ') || '(none)'}`);
      }
      inputs.push({ alias, source: source as string, map });
    }
    const declaredColumns = hasTs && def.columns ? Object.entries(def.columns).map(([name, type]) => ({ name, type })) : undefined;
    const checkScope: CheckScope = { owner: `${file}: dataset "${def.name}"`, self: def.name, columns: declaredColumns, names: new Set(names.keys()), fail };
    const contract = resolveContract(def.contract, checkScope);
    const checks = [...(contract ? [contract] : []), ...resolveChecks(def.checks, checkScope)];
    const firstUnique = checks.find((c) => c.kind === 'unique');
    partial.set(def.name, {
      kind: 'dataset',
      name: def.name,
      file,
      inputs: inputs.map((i) => ({ alias: i.alias, source: i.source, mapping: { kind: 'all' } as ResolvedMapping, rawMap: i.map })) as ResolvedInput[],
      partitioning: UNPARTITIONED,
      partitionSpec: def.partition,
      startMs: def.start === undefined ? null : resolveInstant(def.start, where('start'), fail),
      sql: hasSql ? def.sql : undefined,
      transform: hasTs ? def.transform : undefined,
      columns: hasTs ? def.columns : undefined,
      decrypt: resolveDecrypt(def.decrypt, inputs, streams, where('decrypt'), fail),
      onCodeChange: def.onCodeChange ?? 'rebuild',
      concurrency: def.concurrency ?? concurrency,
      retries: resolveRetries(def.retries, defaultRetries, (f) => where(f), fail),
      description: def.description,
      checks,
      key: resolveKey(def.key, firstUnique?.kind === 'unique' ? firstUnique.columns : [], checkScope),
      sinks: resolveSinks(def.sinks, `${file}: dataset "${def.name}"`, def.name, decl.dir, fail, variableOf(file, def.name)),
      pii: resolveDatasetPii(
        def.pii,
        `${file}: dataset "${def.name}"`,
        declaredColumns?.map((c) => c.name),
        fail,
      ),
      retention: resolveRetention(def.retention, defaultRetention, where, fail),
      declaresPartitionRetention: def.retention?.partitions !== undefined && def.retention.partitions !== 'forever',
      fingerprintSource: hasSql ? (def.sql as string) : String(def.transform),
    });
    if (def.onCodeChange !== undefined && def.onCodeChange !== 'rebuild' && def.onCodeChange !== 'new-only')
      fail(where('onCodeChange'), `must be 'rebuild' or 'new-only', got ${JSON.stringify(def.onCodeChange)}`);
    if (def.concurrency !== undefined && (!Number.isInteger(def.concurrency) || def.concurrency < 1))
      fail(where('concurrency'), `must be a whole number ≥ 1, got ${String(def.concurrency)}`);
  }

  const edges = new Map([...partial].map(([name, d]) => [name, d.inputs.map((i) => i.source).filter((s) => partial.has(s))]));
  const cycle = findCycle(edges);
  if (cycle) {
    const first = partial.get(cycle[0] as string);
    fail(
      `${first?.file}: dataset "${cycle[0]}" field inputs`,
      `dependency cycle: ${cycle.join(' → ')}`,
      'a dataset cannot depend on itself, directly or through others',
    );
  }

  const datasets = new Map<string, DatasetModel>();
  const order: string[] = [];
  const depthOf = (name: string): number => {
    if (streams.has(name)) return 0;
    const done = datasets.get(name);
    if (done) return done.depth;
    const d = partial.get(name);
    if (!d) return 0;
    const depth = 1 + Math.max(0, ...d.inputs.map((i) => depthOf(i.source)));
    const where = (field: string) => `${d.file}: dataset "${name}" field ${field}`;
    const partitionOf = (source: string) => streams.get(source)?.partitioning ?? datasets.get(source)?.partitioning ?? UNPARTITIONED;
    // Default grain: that of the first time-partitioned input (inputs are resolved first, by the recursion above).
    const partitioning =
      d.partitionSpec !== undefined
        ? resolveGrain(d.partitionSpec, where('partition'), fail)
        : (d.inputs.map((i) => partitionOf(i.source)).find((p) => p.kind === 'time') ?? UNPARTITIONED);
    const inputs = d.inputs.map((input) => {
      const raw = (input as ResolvedInput & { rawMap: unknown }).rawMap;
      const source = partitionOf(input.source);
      return {
        alias: input.alias,
        source: input.source,
        mapping: resolveMapping(raw, partitioning, source, input.source, where(`inputs.${input.alias}.map`), fail),
      };
    });
    // What a build reads of forgotten subjects' rows depends on the policy: a change of it rebuilds what reads them
    // (only a non-default policy counts, so that fingerprints of projects without one stay as they were).
    const readsForgotten =
      privacy.forgotten !== 'anonymize' &&
      inputs.some((i) => {
        const s = streams.get(i.source);
        return s !== undefined && protectsPersonalData(s.pii);
      });
    const codeFingerprint = createHash('sha256')
      // `decrypt` only when declared, so that fingerprints of datasets without it stay as they were.
      .update(
        JSON.stringify({
          code: d.fingerprintSource,
          columns: d.columns ?? null,
          inputs,
          partitioning: describe(partitioning),
          ...(d.decrypt.length > 0 ? { decrypt: d.decrypt } : {}),
          ...(readsForgotten ? { forgotten: privacy.forgotten } : {}),
        }),
      )
      .digest('hex')
      .slice(0, 16);
    // Partitions expire by their window: an unpartitioned dataset has none (a project default does not apply to it).
    if (partitioning.kind === 'none' && d.declaresPartitionRetention)
      fail(
        where('retention.partitions'),
        'applies to time-partitioned datasets only: this one has a single partition',
        "remove it, or partition the dataset (partition: 'day')",
      );
    const retention = partitioning.kind === 'none' && d.retention.partitionsMs !== null ? { ...d.retention, partitionsMs: null } : d.retention;
    const { fingerprintSource: _source, partitionSpec: _spec, declaresPartitionRetention: _declared, ...rest } = d;
    datasets.set(name, { ...rest, retention, partitioning, inputs, depth, codeFingerprint });
    order.push(name);
    return depth;
  };
  for (const name of partial.keys()) depthOf(name);

  return {
    dir: decl.dir,
    name: config.name ?? path.basename(decl.dir),
    configFile: decl.configFile,
    files: decl.files ?? [decl.configFile],
    lakeDir: path.resolve(decl.dir, config.lake ?? '.pond/lake'),
    stateUrl: process.env.POND_STATE_URL || (config.state && config.state !== 'sqlite' ? config.state : undefined),
    sqlitePath: path.resolve(decl.dir, '.pond/state.db'),
    testsDir: path.resolve(
      decl.dir,
      config.tests === undefined
        ? 'tests'
        : typeof config.tests === 'string' && config.tests !== ''
          ? config.tests
          : fail(configWhere('tests'), `must be a folder path, got ${JSON.stringify(config.tests)}`),
    ),
    concurrency,
    streams,
    datasets,
    order,
    collect: resolveCollect(config, streams, configWhere, fail, variableOf(rel(decl.configFile), undefined)),
    buffer: resolveBuffer(config, decl.dir, configWhere, fail),
    land: resolveLand(config, configWhere, fail),
    api: resolveApi(config, configWhere, fail, variableOf(rel(decl.configFile), undefined)),
    retention: defaultRetention,
    gc: resolveGc(config.gc, configWhere, fail),
    privacy,
  };
}

type Fail = (where: string, message: string, hint?: string) => never;

/**
 * Fails on the first field of `value` that its kind does not have (see
 * known-fields.ts), at the line the key is written when it can be found.
 */
function rejectUnknownFields(
  value: object,
  rule: FieldRule,
  file: string,
  def: StreamDefinition | DatasetDefinition | undefined,
  textOf: (file: string) => string | undefined,
  fail: Fail,
): void {
  const unknown = unknownField(value, rule);
  if (!unknown) return;
  const text = textOf(file);
  const named = typeof def?.name === 'string' ? def.name : undefined;
  const line = text === undefined ? undefined : keyLine(text, unknown.key, named === undefined ? undefined : nameOffset(text, named));
  const owner = def === undefined ? '' : ` ${def.kind}${named === undefined ? '' : ` "${named}"`}`;
  fail(
    `${file}${line === undefined ? '' : `:${line}`}:${owner} field ${unknown.path}`,
    'unknown field',
    unknown.suggestion !== undefined ? `did you mean "${unknown.suggestion}"?` : `known fields: ${unknown.known.join(', ')}`,
  );
}

function describe(p: Partitioning): string {
  return p.kind === 'none' ? 'none' : p.grain.iso;
}

function resolveGrain(spec: GrainSpec | 'none', where: string, fail: Fail): Partitioning {
  if (spec === 'none') return UNPARTITIONED;
  if (typeof spec === 'string') {
    const grain = GRAINS[spec as keyof typeof GRAINS];
    if (!grain) return fail(where, `unknown grain "${spec}"`, "use 'minute', 'hour', 'day', 'month', { every: '10s' } or 'none'");
    return { kind: 'time', grain };
  }
  if (typeof spec === 'object' && spec !== null && typeof spec.every === 'string') {
    const ms = resolveDuration(spec.every, `${where}.every`, fail);
    if (ms < 1000 || ms % 1000 !== 0 || 86_400_000 % ms !== 0) {
      fail(
        `${where}.every`,
        `"${spec.every}" cannot cut days into equal windows`,
        "use whole seconds that divide a day, such as '10s', '30s', '5m', '15m' or '6h'",
      );
    }
    return { kind: 'time', grain: everyGrain(ms, spec.every) };
  }
  return fail(where, `is not a grain: ${JSON.stringify(spec)}`, "use 'minute', 'hour', 'day', 'month', { every: '10s' } or 'none'");
}

function resolveDuration(text: unknown, where: string, fail: Fail): number {
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  if (ms === undefined || ms < 0) return fail(where, `"${String(text)}" is not a duration`, "write it like '90s', '10m', '1h', '7d' or '1h30m'");
  return ms;
}

function resolveInstant(text: unknown, where: string, fail: Fail): number {
  const ms = typeof text === 'string' ? parseInstant(text) : undefined;
  if (ms === undefined) return fail(where, `"${String(text)}" is not a date or time`, "use ISO 8601, such as '2026-11-01' or '2026-11-01T06:00Z'");
  return ms;
}

/** `decrypt`: aliases of inputs that are streams with personal data (all of them for `true`). */
function resolveDecrypt(
  value: unknown,
  inputs: ReadonlyArray<{ alias: string; source: string }>,
  streams: ReadonlyMap<string, StreamModel>,
  where: string,
  fail: Fail,
): readonly string[] {
  if (value === undefined) return [];
  const personal = inputs.filter((i) => {
    const stream = streams.get(i.source);
    return stream !== undefined && protectsPersonalData(stream.pii);
  });
  const valid =
    personal.length > 0
      ? `inputs that are streams with personal data: ${personal.map((i) => i.alias).join(', ')}`
      : 'no input of this dataset is a stream with personal data (one that declares an identifier)';
  if (value === true) {
    if (personal.length === 0) fail(where, 'is true, but there is nothing to decrypt: ' + valid, 'remove decrypt');
    return personal.map((i) => i.alias);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    return fail(where, `must be true or a non-empty list of input names, got ${JSON.stringify(value)}`, valid);
  }
  for (const alias of value as string[]) {
    if (personal.some((i) => i.alias === alias)) continue;
    const input = inputs.find((i) => i.alias === alias);
    const why = input === undefined ? `"${alias}" is not an input of this dataset` : `input "${alias}" (${input.source}) holds no encrypted personal data`;
    fail(where, `${why}: only a stream with personal data can be decrypted`, valid);
  }
  return [...new Set(value as string[])];
}

function resolveRetries(options: RetryOptions | undefined, base: RetryPolicy, where: (field: string) => string, fail: Fail): RetryPolicy {
  if (options === undefined) return base;
  const attempts = options.attempts ?? base.attempts;
  if (!Number.isInteger(attempts) || attempts < 1) fail(where('retries.attempts'), `must be a whole number ≥ 1, got ${String(options.attempts)}`);
  return {
    attempts,
    backoffMs: options.backoff === undefined ? base.backoffMs : resolveDuration(options.backoff, where('retries.backoff'), fail),
    maxBackoffMs: options.maxBackoff === undefined ? base.maxBackoffMs : resolveDuration(options.maxBackoff, where('retries.maxBackoff'), fail),
  };
}

function resolveCompatibility(value: unknown, base: CompatibilityMode, where: string, fail: Fail): CompatibilityMode {
  if (value === undefined) return base;
  if (typeof value === 'string' && (COMPATIBILITY_MODES as readonly string[]).includes(value)) return value as CompatibilityMode;
  return fail(where, `${JSON.stringify(value)} is not a compatibility mode`, `use one of ${COMPATIBILITY_MODES.map((m) => `'${m}'`).join(', ')}`);
}

function resolveMapping(raw: unknown, output: Partitioning, input: Partitioning, source: string, where: string, fail: Fail): ResolvedMapping {
  if (input.kind === 'none') {
    if (raw !== undefined && raw !== 'all' && raw !== 'window')
      fail(where, `"${source}" is unpartitioned: it can only be read whole`, "leave map out or use 'all'");
    return { kind: 'all' };
  }
  if (raw === 'all') return { kind: 'all' };
  if (output.kind === 'none') {
    if (raw !== undefined && raw !== 'window') fail(where, 'an unpartitioned dataset reads whole inputs', "leave map out or use 'all'");
    return { kind: 'all' };
  }
  if (raw === undefined || raw === 'window') {
    if (!output.grain.isMultipleOf(input.grain)) {
      fail(
        where,
        `a ${output.grain.name} window is not made of whole ${input.grain.name} partitions of "${source}"`,
        `partition this dataset by ${input.grain.name} or coarser, or use map { last: '…' } or 'all'`,
      );
    }
    return { kind: 'window' };
  }
  if (typeof raw === 'object' && raw !== null && 'last' in raw) {
    const ms = resolveDuration((raw as { last: unknown }).last, `${where}.last`, fail);
    const inputMs = input.grain.approxMs;
    if (ms <= 0 || input.grain.name === 'month' || ms % inputMs !== 0 || !output.grain.isMultipleOf(input.grain)) {
      fail(
        `${where}.last`,
        `${String((raw as { last: unknown }).last)} is not a whole number of ${input.grain.name} partitions of "${source}" ending on a ${output.grain.name} boundary`,
        'use a span that is a multiple of the input grain',
      );
    }
    return { kind: 'last', ms };
  }
  return fail(where, `unknown mapping ${JSON.stringify(raw)}`, "use 'window', 'all' or { last: '7d' }");
}
