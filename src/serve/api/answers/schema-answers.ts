/** `GET /api/datasets/:name/schema-history` and the schema registry (`GET /api/schemas…`). */
import type { Column } from './table.ts';

/** One distinct column list of a dataset's committed versions, and what changed from the one before. */
export interface SchemaSpan {
  readonly columns: readonly Column[];
  readonly firstVersion: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly versions: number;
  readonly changes: {
    readonly added: readonly Column[];
    readonly removed: readonly Column[];
    readonly retyped: readonly { readonly name: string; readonly from: string; readonly to: string }[];
  };
}

/** `GET /api/datasets/:name/schema-history`: oldest first. */
export interface SchemaHistory {
  readonly name: string;
  readonly schemas: readonly SchemaSpan[];
}

/** One entry of `GET /api/schemas`: a stream and its latest registered schema. */
export interface StreamSchema {
  readonly stream: string;
  readonly schemaFile: string;
  readonly compatibility: string;
  readonly latestVersion: number | null;
  /** The project's schema file is the latest version. */
  readonly projectMatchesLatest: boolean;
}

/** `GET /api/schemas`. */
export interface SchemaList {
  readonly schemas: readonly StreamSchema[];
}

/** A registered schema version, without the schema. */
export interface SchemaVersionSummary {
  readonly version: number;
  readonly registeredAt: string;
  readonly compatibility: string;
  readonly fingerprint: string;
}

/** `GET /api/schemas/:stream`: oldest first. */
export interface SchemaVersionList {
  readonly stream: string;
  readonly versions: readonly (SchemaVersionSummary & { readonly current: boolean })[];
}

/** `GET /api/schemas/:stream/:version`: the version with its JSON Schema. */
export interface SchemaVersion extends SchemaVersionSummary {
  readonly schema: unknown;
}
