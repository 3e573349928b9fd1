import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '../../state/index.ts';
import { clusterRuns, GAP_MS } from './run-groups.ts';

let n = 0;
function run(worker: string, startedAt: number, o: Partial<Run> = {}): Run {
  n++;
  return {
    id: `r${String(n).padStart(3, '0')}`,
    taskId: `t${n}`,
    dataset: 'd',
    idx: n,
    key: `k${n}`,
    cause: 'new-data',
    reason: 'new data',
    attempt: 1,
    status: 'succeeded',
    error: null,
    retryable: null,
    versionId: null,
    worker,
    startedAt,
    finishedAt: startedAt + 1000,
    ...o,
  };
}

describe('runs grouped by what caused them', () => {
  it('a process building without a pause is one build; a pause longer than the gap starts the next', () => {
    const runs = [run('w1', 0), run('w1', 1500), run('w1', 2000 + GAP_MS - 1), run('w1', 100_000), run('w2', 500)];
    const groups = clusterRuns(runs, 200_000);
    assert.deepEqual(
      groups.map((g) => [g.kind, g.worker, g.runs.length]),
      [
        ['build', 'w1', 1],
        ['build', 'w1', 3],
        ['build', 'w2', 1],
      ],
    );
    // Newest first, inside a group too.
    assert.deepEqual(
      groups[1]?.runs.map((r) => r.startedAt),
      [2000 + GAP_MS - 1, 1500, 0],
    );
  });

  it('a running run keeps its build open until now', () => {
    const groups = clusterRuns([run('w1', 0, { finishedAt: null, status: 'running' }), run('w1', GAP_MS * 3)], GAP_MS * 3);
    assert.equal(groups.length, 1);
  });

  it('a backfill is one group across processes, a retry one per task', () => {
    const reason = 'backfill bf_1a2b3c4d: hourly 2026-11-24T00:00Z/PT1H … 2026-11-24T23:00Z/PT1H (24 partitions)';
    const runs = [
      run('w1', 0, { cause: 'backfill', reason }),
      run('w2', 10 * GAP_MS, { cause: 'backfill', reason }),
      run('w1', 5, { cause: 'retry', reason: 'retry of run x', taskId: 'ta' }),
      run('w1', 6, { cause: 'retry', reason: 'retry of run x', taskId: 'ta', attempt: 2 }),
      run('w1', 7, { cause: 'retry', reason: 'retry of run y', taskId: 'tb' }),
    ];
    const groups = clusterRuns(runs, 20 * GAP_MS);
    assert.deepEqual(
      groups.map((g) => [g.id, g.runs.length]),
      [
        ['backfill:bf_1a2b3c4d', 2],
        ['retry:tb', 1],
        ['retry:ta', 2],
      ],
    );
    assert.equal(groups[0]?.title, reason);
  });
});
