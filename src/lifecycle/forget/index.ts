/** Forgetting data subjects: the requests, the rebuilds they start, their progress and completion. */
export { forgetSubjects, recordForgetting, startRecordedRequests, type ForgetDeps, type ForgetOptions } from './forget-subjects.ts';
export { forgetProgress, forgetProgressJson, completeForgetRequests, type ForgetProgress } from './forget-progress.ts';
export { subjectPartitions, type SubjectPartitions, type FindDeps } from './subject-partitions.ts';
export { advanceForgetting } from './advance-forgetting.ts';
