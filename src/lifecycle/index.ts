/**
 * The lake's lifecycle: what is kept and for how long. The expiry of whole
 * partitions, the retention of superseded versions and the sweep of
 * unreferenced files, run by `pond gc` and, every `gc.interval`, by `pond up`;
 * and forgetting data subjects (`pond forget`).
 */
export { runGc, datasetOfKey, type GcDeps, type GcRunOptions, type GcSummary, type DatasetGcSummary } from './run-gc.ts';
export { expireVersions, retentionTargets, type RetentionTarget, type ExpiredReport, type ExpireOptions } from './expire-versions.ts';
export { expirePartitions, type PartitionExpiryTarget, type ExpiredPartitionsReport } from './expire-partitions.ts';
export { PeriodicGc } from './periodic-gc.ts';
export type { SinkRemoval, OpenSink } from './sink-remover.ts';
export {
  forgetSubjects,
  recordForgetting,
  startRecordedRequests,
  advanceForgetting,
  forgetProgress,
  forgetProgressJson,
  completeForgetRequests,
  subjectPartitions,
  type ForgetDeps,
  type ForgetOptions,
  type ForgetProgress,
  type FindDeps,
} from './forget/index.ts';
export {
  forgetRequestJson,
  verifySubjects,
  recordVerifications,
  storedVerification,
  verificationSummary,
  type ForgetAnswer,
  type SubjectVerification,
  type VerifyTarget,
} from './forget/index.ts';
