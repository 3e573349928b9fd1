import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PondError } from '../errors/index.ts';
import type { LandSummary } from '../land/index.ts';
import type { BuildEvent } from '../orchestrate/index.ts';
import type { Task } from '../state/index.ts';
import { readyLine, UpReport } from './up-report.ts';

const task = (dataset: string, key = '2026-11-24T10:00Z/PT1H') => ({ dataset, key }) as Task;
const succeeded = (dataset: string): BuildEvent => ({ type: 'succeeded', task: task(dataset), runId: 'r', rows: 1, ms: 1 });
const landing = (accepted: number, oldestReceivedAt: number): LandSummary =>
  ({ accepted, deadLetters: 0, duplicates: 0, quarantined: [], oldestReceivedAt }) as unknown as LandSummary;

describe('what pond up says', () => {
  it('sums the demo, landing and builds into one line every few seconds, not a line per request', () => {
    const lines: string[] = [];
    const report = new UpReport((l) => lines.push(l), 10_000, 0);
    for (let i = 0; i < 5; i++) {
      report.sent(18);
      report.landed(landing(18, i * 2000), i * 2000 + 900);
      report.maybeFlush(i * 2000 + 1000);
    }
    report.built(succeeded('hourly_sales'));
    report.built(succeeded('hourly_sales'));
    report.built(succeeded('daily_sales'));
    assert.deepEqual(lines, [], 'nothing before the interval is up');
    report.maybeFlush(10_000);
    assert.deepEqual(lines, [
      'last 10 s: demo sent 90 events; landed 90 events in 5 batches, at most 0.9 s after receipt; built 3 partitions (hourly_sales 2, daily_sales 1)',
    ]);
    report.maybeFlush(20_000);
    assert.equal(lines.length, 1, 'a quiet interval says nothing');
  });

  it('names a failed build at once: the dataset, the partition and the error', () => {
    const lines: string[] = [];
    const report = new UpReport((l) => lines.push(l), 10_000, 0);
    const error = new PondError('TRANSFORM_FAILED', 'SQL failed: the alert threshold table is missing\nLINE 1: …');
    report.built({ type: 'failed', task: task('device_alerts', 'all'), runId: 'r', error, willRetry: false });
    assert.deepEqual(lines, ['build failed: device_alerts all: SQL failed: the alert threshold table is missing']);
    report.flush(10_000);
    assert.match(lines[1] ?? '', /built 0 partitions, 1 failed \(said above; pond runs --failed lists them\)$/);
  });

  it('says ready with where to look', () => {
    assert.equal(
      readyLine('http://127.0.0.1:8080', 77),
      "ready: the demo's last 24 hours are landed and built (77 partitions); open http://127.0.0.1:8080/ — live events keep arriving",
    );
  });
});
