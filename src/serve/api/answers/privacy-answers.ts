/** `GET /api/privacy`, the personal data of `GET /api/datasets/:name`, and forgetting (`/api/subjects/:id/forget`, `/api/forget-requests…`). */

/** Which columns identify a data subject or hold personal data about them; null in an answer when none does. */
export interface PersonalData {
  readonly identifiers: readonly string[];
  readonly personal: readonly string[];
  /** Column → origin of its class: `declared`, `from users.email`, `by name (unverified)`. */
  readonly source: Readonly<Record<string, string>>;
  /** A TypeScript dataset whose classes are guessed by name. */
  readonly unverified: boolean;
}

export interface ColumnClass {
  readonly column: string;
  readonly class: 'identifier' | 'personal';
  /** `declared`, `from users.email`, `by name (unverified)`. */
  readonly source: string;
}

/** One entry of `GET /api/privacy` (as `pond privacy --json`). */
export interface NodePrivacy {
  readonly name: string;
  readonly kind: 'stream' | 'dataset';
  readonly file: string;
  readonly identifiers: readonly string[];
  readonly personal: readonly string[];
  readonly columns: readonly ColumnClass[];
  /** A TypeScript dataset that reads personal data and declares no `pii`: its classes are guessed by name. */
  readonly unverified: boolean;
  /** The streams a dataset reads in clear (its `decrypt`). */
  readonly decrypts: readonly string[];
}

/** `GET /api/privacy`. */
export interface PrivacyReport {
  readonly personalData: readonly NodePrivacy[];
  readonly noPersonalData: readonly string[];
}

export type ForgetStatus = 'recorded' | 'rebuilding' | 'done';

/** Where something of a forgotten subject survives: the place, never the value. */
export interface ForgetFinding {
  readonly area: 'dataset' | 'stream' | 'dead-letter' | 'state';
  /** The dataset, stream or dead-letter dataset; for `state`, the table. */
  readonly name: string;
  readonly dataset: string | null;
  readonly key: string | null;
  readonly versionId: string | null;
  readonly column: string;
  readonly value: 'clear identifier' | 'pseudonym';
  readonly rows: number;
}

/** The last scan for what of a subject survives. */
export interface ForgetVerification {
  readonly verifiedAt: string;
  readonly lookedFor: 'pseudonym' | 'clear identifier and pseudonym';
  readonly nothingLeft: boolean;
  /** All findings; `findings` keeps the first 200. */
  readonly total: number;
  readonly findings: readonly ForgetFinding[];
  readonly scanned: { readonly versions: number; readonly files: number };
  /** Why the scan could not finish (its findings are then partial). */
  readonly error: string | null;
}

/** A forget request (an entry of the audit log) and its rebuilds. */
export interface ForgetRequest {
  readonly id: string;
  readonly pseudonym: string;
  readonly status: ForgetStatus;
  readonly requestedAt: string;
  readonly requestedBy: string;
  readonly reason: string;
  /** False when the subject had no key: never seen, or already forgotten. */
  readonly hadKey: boolean;
  readonly rawPartitions: number | null;
  readonly partitions: number;
  readonly rebuilt: number;
  readonly failed: number;
  /** Up to 20 partitions still waiting, as `dataset key`. */
  readonly waiting: readonly string[];
  readonly completedAt: string | null;
  /** Null before the first scan. */
  readonly verification: ForgetVerification | null;
  /** In the answer to a forget: the subject was forgotten before, by this request; nothing new was recorded. */
  readonly alreadyForgotten: boolean;
}

/** `GET /api/forget-requests`: newest first. */
export interface ForgetRequestList {
  readonly requests: readonly ForgetRequest[];
}

/** `GET /api/forget-requests/:id`. */
export interface ForgetRequestDetail {
  readonly request: ForgetRequest;
}

/** `POST /api/subjects/:id/forget`: 202 when recorded, 200 when the subject was already forgotten. */
export interface ForgetAnswer {
  readonly request: ForgetRequest;
  readonly alreadyForgotten: boolean;
}
