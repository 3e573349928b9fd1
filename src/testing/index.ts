/**
 * Testing pipelines: what a project's test files import as `pond/testing`.
 * `runDataset` runs one dataset's real transformation on fixture rows, in
 * process; `runProjectTests` runs a project's test files (`pond test`).
 *
 * @example
 * import assert from 'node:assert/strict';
 * import { test } from 'node:test';
 * import { runDataset } from 'pond/testing';
 * import { hourly } from '../pipelines/sales.ts';
 *
 * test('sums revenue per user', async () => {
 *   const rows = await runDataset(hourly, {
 *     partition: '2026-11-23T19:00Z/PT1H',
 *     inputs: { events: [{ user_id: 'u1', amount: 2, time_utc: '2026-11-23T19:05:00Z' }] },
 *   });
 *   assert.deepEqual(rows, [{ user_id: 'u1', revenue: 2 }]);
 * });
 */
export { runDataset, type RunDatasetOptions, type FixtureRows } from './run-dataset.ts';
export { closeTesting } from './test-engine.ts';
export { runProjectTests, findTestFiles, type RunProjectTestsOptions, type ProjectTestResult } from './run-project-tests.ts';
