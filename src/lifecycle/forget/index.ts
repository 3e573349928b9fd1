/** Forgetting data subjects: the requests, the rebuilds they start, their progress and completion, and the scan that verifies it. */
export { forgetSubjects, recordForgetting, startRecordedRequests, type ForgetAnswer, type ForgetDeps, type ForgetOptions } from './forget-subjects.ts';
export { forgetProgress, forgetProgressJson, completeForgetRequests, type ForgetProgress } from './forget-progress.ts';
export { forgetRequestJson } from './forget-request-json.ts';
export { subjectPartitions, type SubjectPartitions, type FindDeps } from './subject-partitions.ts';
export { advanceForgetting } from './advance-forgetting.ts';
export {
  verifySubjects,
  recordVerifications,
  storedVerification,
  verificationJson,
  verificationSummary,
  type SubjectVerification,
  type VerifyDeps,
  type VerifyTarget,
} from './verify-subject.ts';
