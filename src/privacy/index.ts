/**
 * Personal data: which columns of each stream and dataset identify a data
 * subject or hold personal data about them, and where that comes from; the
 * keys (a master key, one data key per subject) and the encryption that
 * protects them when they land.
 */
export { classifyProject, type ColumnClass, type NodePrivacy, type SqlParser } from './classify-project.ts';
export { duckdbSqlParser } from './duckdb-sql-parser.ts';
export { privacyReport, type PrivacyReport } from './privacy-report.ts';
export { sqlLineage, type ColumnSource, type InputColumns, type OutputLineage } from './sql-lineage.ts';
export { encryptField, encryptText, decryptField, decryptText, ciphertextSubject, fieldAad, CIPHERTEXT_PREFIX } from './field-cipher.ts';
export { EventProtector, withheldText, subjectId, isEventObject, reasonWithoutExcerpts, type ProtectedEvent } from './event-protector.ts';
export { ProtectPool, sharedProtectPool, CHUNK_EVENTS, type EventToProtect, type LandedLine } from './protect-pool.ts';
export { decryptRows, type DecryptedRows } from './decrypt-rows.ts';
export { decryptedFields, clearValueOf } from './decrypt-fields.ts';
export { exportSubject, subjectCondition, type SubjectExport, type SubjectRows, type SubjectStatus, type ExportSubjectOptions } from './export-subject.ts';
export {
  openMasterKey,
  KeyHierarchy,
  SubjectKeyRing,
  KeyEpochs,
  LocalEpochKeyStore,
  MASTER_KEY_ENV,
  PSEUDONYM_PREFIX,
  type MasterKey,
  type KeyRingOptions,
  type EpochRotation,
  type EpochKeyStore,
} from './keys/index.ts';
export { forgottenRowsOf, forgottenDeadLetters, forgottenSubjects } from './forgotten/index.ts';
