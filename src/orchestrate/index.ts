/** The orchestrator: planning what is stale, and building it. */
export { plan, watermarkOf, groupRuns, keyOf, reasonOf, describeReason, REASONS, type Plan, type PlanOptions, type DatasetPlan, type StreamPlan, type Reason } from './plan.ts';
export { Executor, type BuildOptions, type BuildSummary, type BuildEvent } from './executor.ts';
export { buildPartition, type BuildContext } from './build-partition.ts';
export { inputRange } from './input-mapping.ts';
export { retryDelay } from './backoff.ts';
export { sleep } from './sleep.ts';
