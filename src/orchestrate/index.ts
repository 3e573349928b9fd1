/** The orchestrator: planning what is stale, building it, and verifying that builds reproduce. */
export {
  plan,
  watermarkOf,
  groupRuns,
  keyOf,
  reasonOf,
  describeReason,
  REASONS,
  type Plan,
  type PlanOptions,
  type DatasetPlan,
  type StreamPlan,
  type Reason,
} from './plan.ts';
export { Executor, otherCodeMessage, type BuildOptions, type BuildSummary, type BuildEvent } from './executor.ts';
export { buildPartition, type BuildContext } from './build-partition.ts';
export { verify, type VerifyOptions, type VerifyReport, type PartitionVerification, type Verdict } from './verify.ts';
export { inputRange } from './input-mapping.ts';
export { retryDelay } from './backoff.ts';
export { sleep } from './sleep.ts';
