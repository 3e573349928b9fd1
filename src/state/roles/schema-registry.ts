/**
 * The schema registry: every version of each stream's JSON Schema.
 */
/** One version of a stream's JSON Schema in the registry. */
export interface SchemaVersion {
  readonly stream: string;
  /** 1, 2, … per stream, in the order they were registered. */
  readonly version: number;
  /** sha256 of the schema's canonical JSON: equal schemas have equal fingerprints, whatever their layout. */
  readonly fingerprint: string;
  /** The schema as canonical JSON (sorted keys, no whitespace). */
  readonly schema: string;
  /** The compatibility mode the schema was checked under when it was registered. */
  readonly compatibility: string;
  readonly registeredAt: number;
}

/** A schema to register with `StateStore.registerSchemaVersion`. */
export interface NewSchemaVersion extends Omit<SchemaVersion, 'version'> {
  /** The latest version the caller checked the schema against: 0 when the stream had none. */
  readonly after: number;
}

export interface SchemaRegistryStore {
  /** Every registered version of a stream's schema, oldest first. */
  schemaVersions(stream: string): Promise<SchemaVersion[]>;
  /** The latest version of each stream that has one, in one read (what every start compares against). */
  latestSchemaVersions(): Promise<Map<string, SchemaVersion>>;
  /**
   * Registers a schema as version `after + 1` of its stream, atomically.
   * Idempotent: when the stream's latest version has the same fingerprint,
   * nothing is written and that version is returned with `created: false`.
   * When the latest version is no longer `after` (another process registered
   * one since the caller read them), nothing is written and the call fails
   * with CONFLICT: read the versions again, check again, retry.
   */
  registerSchemaVersion(version: NewSchemaVersion): Promise<{ version: SchemaVersion; created: boolean }>;
}
