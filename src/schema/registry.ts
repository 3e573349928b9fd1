/**
 * The schema registry: each stream's JSON Schema, as the project files have
 * it, against the versions accepted before it, under the stream's
 * compatibility mode (compatibility.ts). The versions live in the state store
 * (`StateStore.registerSchemaVersion`); every command that writes to the lake
 * registers a changed schema as the next version, or refuses to start when the
 * change is not allowed. `pond check` and `pond schema diff` compare without
 * registering, against the registry or against the schema files at a git ref
 * (git-schema-history.ts): both are a `SchemaHistory`.
 */
import { PondError } from '../errors/index.ts';
import type { SchemaRegistryStore, SchemaVersion } from '../state/index.ts';
import { canonicalJson, schemaFingerprint } from './canonical-json.ts';
import {
  checkCompatibility,
  describeDifference,
  directionsOf,
  type CompatibilityDifference,
  type CompatibilityMode,
  type DifferenceKind,
} from './compatibility.ts';

/** What the registry needs of a stream; `StreamModel` has it. */
export interface RegistryStream {
  readonly name: string;
  /** Project-relative file that declared the stream. */
  readonly file: string;
  /** Project-relative path of its JSON Schema file. */
  readonly schemaFile: string;
  readonly schema: Record<string, unknown>;
  readonly compatibility: CompatibilityMode;
}

/** An earlier schema of a stream: a registered version, or the schema file at a git ref. */
export interface PreviousSchema {
  /** How messages name it: `version 3`, `origin/main`. */
  readonly label: string;
  readonly schema: Record<string, unknown>;
  readonly fingerprint: string;
}

/** One difference between a stream's schema and an earlier one, and whether its mode allows it. */
export interface SchemaChange {
  readonly stream: string;
  /** The property in the notation users write (`items[].sku`); absent for the top-level schema. */
  readonly property?: string;
  /** JSON Pointer into the schema (`#/properties/items/items/properties/sku`). */
  readonly path: string;
  /** The rule, e.g. `TYPE_NARROWED`, `PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`. */
  readonly kind: DifferenceKind;
  /** `backward`: the new schema reads the earlier one's data; `forward`: the earlier one reads the new schema's. */
  readonly direction: 'backward' | 'forward';
  /** Label of the earlier schema. */
  readonly against: string;
  readonly allowed: boolean;
  /** One line naming the stream, the property, the rule and the mode. */
  readonly message: string;
}

/** `new`: nothing to compare against; `unchanged`: same as the latest (canonical JSON). */
export type SchemaStatus = 'new' | 'unchanged' | 'compatible' | 'incompatible';

export interface StreamSchemaReport {
  readonly stream: string;
  readonly schemaFile: string;
  readonly mode: CompatibilityMode;
  readonly status: SchemaStatus;
  /** Label of the latest earlier schema, if any. */
  readonly latest: string | undefined;
  /** Labels of the earlier schemas the mode checks against: the latest, or every one under _TRANSITIVE. */
  readonly against: readonly string[];
  /** Not allowed ones first. */
  readonly changes: readonly SchemaChange[];
}

/**
 * What a mode demands, in words, with `latest` naming the latest earlier schema.
 *
 * @example
 * describeMode('BACKWARD', 'version 2') // 'the new schema must accept every event that version 2 accepts'
 */
export function describeMode(mode: CompatibilityMode, latest = 'the latest version'): string {
  switch (mode) {
    case 'BACKWARD':
      return `the new schema must accept every event that ${latest} accepts`;
    case 'BACKWARD_TRANSITIVE':
      return 'the new schema must accept every event that any earlier version accepts';
    case 'FORWARD':
      return `${latest} must accept every event that the new schema accepts`;
    case 'FORWARD_TRANSITIVE':
      return 'every earlier version must accept every event that the new schema accepts';
    case 'FULL':
      return `the new schema and ${latest} must accept each other's events`;
    case 'FULL_TRANSITIVE':
      return "the new schema and every earlier version must accept each other's events";
    case 'NONE':
      return 'any change is allowed';
  }
}

/**
 * Compares a stream's schema with its earlier ones (oldest first) under its
 * mode. Besides what the mode forbids, the report lists the differences
 * against the latest that the mode does not check, as allowed, so a reader
 * sees everything that changed compatibility in either direction.
 *
 * @example
 * const report = compareStreamSchema(stream, [{ label: 'version 1', schema: v1, fingerprint: schemaFingerprint(v1) }]);
 * report.status // 'incompatible'
 * report.changes[0]?.message
 * // 'events: property "amount": version 1 allows number, but the new schema accepts only integer (type narrowed): not allowed under BACKWARD (rule TYPE_NARROWED)'
 */
export function compareStreamSchema(stream: RegistryStream, previous: readonly PreviousSchema[]): StreamSchemaReport {
  const mode = stream.compatibility;
  const latest = previous.at(-1);
  const base = { stream: stream.name, schemaFile: stream.schemaFile, mode, latest: latest?.label };
  if (latest === undefined) return Object.freeze({ ...base, status: 'new', against: [], changes: [] });
  if (latest.fingerprint === schemaFingerprint(stream.schema)) return Object.freeze({ ...base, status: 'unchanged', against: [latest.label], changes: [] });

  const label = (against: number): string => previous[against]?.label ?? `version ${against + 1}`;
  const checked = checkCompatibility(
    mode,
    stream.schema,
    previous.map((p) => p.schema),
    { label },
  );
  const { backward, forward, transitive } = directionsOf(mode);
  // What the mode does not look at, against the latest: shown, as allowed.
  const unchecked = checkCompatibility('FULL', stream.schema, [latest.schema], { label: () => latest.label }).differences.filter(
    (d) => !(d.direction === 'backward' ? backward : forward),
  );
  const changes = [
    ...checked.differences.map((d) => changeOf(stream, d, label(d.against), false)),
    ...unchecked.map((d) => changeOf(stream, d, latest.label, true)),
  ];
  return Object.freeze({
    ...base,
    status: checked.compatible ? 'compatible' : 'incompatible',
    against: transitive ? previous.map((p) => p.label) : [latest.label],
    changes: Object.freeze(changes),
  });
}

function changeOf(stream: RegistryStream, d: CompatibilityDifference, against: string, allowed: boolean): SchemaChange {
  const mode = stream.compatibility;
  const unchecked = d.direction === 'backward' ? `the new schema reads events written with ${against}` : `${against} reads events written with the new schema`;
  const line = !allowed
    ? describeDifference(d, mode, stream.name)
    : `${stream.name}: ${d.message}: allowed under ${mode}${mode === 'NONE' ? '' : `, which does not require that ${unchecked}`}`;
  return Object.freeze({
    stream: stream.name,
    ...(d.property === undefined ? {} : { property: d.property }),
    path: d.path,
    kind: d.kind,
    direction: d.direction,
    against,
    allowed,
    message: `${line} (rule ${d.kind})`,
  });
}

/** Where the earlier schemas of each stream come from: the registry in the state store, or a git ref. */
export interface SchemaHistory {
  /** For output: `the registry in .pond/state.db`, `git ref origin/main`. */
  readonly source: string;
  /** The stream's earlier schemas, oldest first; empty when it has none. */
  previous(stream: RegistryStream): Promise<PreviousSchema[]>;
}

/** A registered version as a `PreviousSchema`. */
export function previousOf(version: SchemaVersion): PreviousSchema {
  return { label: `version ${version.version}`, schema: JSON.parse(version.schema) as Record<string, unknown>, fingerprint: version.fingerprint };
}

/**
 * The registry in a state store as a history.
 *
 * @example
 * const reports = await compareProjectSchemas(project.streams.values(), registryHistory(state, 'the registry'));
 */
export function registryHistory(store: Pick<SchemaRegistryStore, 'schemaVersions'>, source: string): SchemaHistory {
  return {
    source,
    previous: async (stream) => (await store.schemaVersions(stream.name)).map(previousOf),
  };
}

/** Every stream's report, in the order given. */
export async function compareProjectSchemas(streams: Iterable<RegistryStream>, history: SchemaHistory): Promise<StreamSchemaReport[]> {
  const out: StreamSchemaReport[] = [];
  for (const stream of streams) out.push(compareStreamSchema(stream, await history.previous(stream)));
  return out;
}

export type RegistryStore = SchemaRegistryStore;

export interface Registration {
  readonly stream: string;
  readonly version: number;
  /** False when another process registered the same schema first. */
  readonly created: boolean;
}

const REGISTER_ATTEMPTS = 3;

/**
 * Registers the schema of every stream that changed since its latest version
 * as the next version, after checking that its mode allows the change; what
 * every command that writes to the lake does first. Costs one read when
 * nothing changed. When any stream's change is not allowed, registers nothing
 * and throws INVALID_PROJECT (exit 2) naming the stream, the property, the
 * rule, and what to do. Returns the versions registered.
 *
 * @example
 * for (const r of await registerProjectSchemas(project.streams.values(), state)) {
 *   console.log(`${r.stream}: schema version ${r.version}`);
 * }
 */
export async function registerProjectSchemas(streams: Iterable<RegistryStream>, store: RegistryStore, now = Date.now()): Promise<Registration[]> {
  const latest = await store.latestSchemaVersions();
  const changed = [...streams].filter((s) => latest.get(s.name)?.fingerprint !== schemaFingerprint(s.schema));
  if (changed.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    const checked = await Promise.all(
      changed.map(async (stream) => {
        const versions = await store.schemaVersions(stream.name);
        return { stream, after: versions.at(-1)?.version ?? 0, report: compareStreamSchema(stream, versions.map(previousOf)) };
      }),
    );
    const refused = checked.filter((c) => c.report.status === 'incompatible');
    if (refused.length > 0) throw incompatibleSchemas(refused.map((c) => ({ stream: c.stream, report: c.report })));
    try {
      const out: Registration[] = [];
      for (const { stream, after } of checked) {
        const { version, created } = await store.registerSchemaVersion({
          stream: stream.name,
          fingerprint: schemaFingerprint(stream.schema),
          schema: canonicalJson(stream.schema),
          compatibility: stream.compatibility,
          registeredAt: now,
          after,
        });
        out.push({ stream: stream.name, version: version.version, created });
      }
      return out;
    } catch (error) {
      // Another process registered a version in between: check against it.
      if (error instanceof PondError && error.code === 'CONFLICT' && attempt < REGISTER_ATTEMPTS) continue;
      throw error;
    }
  }
}

/** The error that stops a start: every refused stream with its changes, and the three ways out. */
export function incompatibleSchemas(refused: ReadonlyArray<{ stream: RegistryStream; report: StreamSchemaReport }>): PondError {
  const blocks = refused.map(({ stream, report }) => {
    const lines = report.changes.filter((c) => !c.allowed).map((c) => `  ${c.message}`);
    return `the schema of stream "${stream.name}" changed in a way ${report.mode} does not allow (${describeMode(report.mode, report.latest)}):\n${lines.join('\n')}`;
  });
  const first = refused[0]?.stream;
  const names = refused.map((r) => r.stream.name).join(' ');
  return new PondError('INVALID_PROJECT', blocks.join('\n'), {
    where: refused.map((r) => r.stream.schemaFile).join(', '),
    hint:
      `revert the change, make it compatible, or set another mode: \`compatibility\` on the stream` +
      (first ? ` (in ${first.file})` : '') +
      ` or \`schemaCompatibility\` in pond.config.ts ('NONE' allows any change); \`pond schema diff ${names}\` lists every change`,
  });
}
