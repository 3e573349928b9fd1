/**
 * A state store with a very large dataset, for the planning benchmark and
 * the UI at a million partitions: `n` hourly raw partitions of stream
 * `events` and the `hourly` dataset built from each, all fresh, inserted
 * through `state.commitVersions` in batches (fake file paths: nothing reads
 * the files). The stream is kept "active", so its watermark is exactly
 * n hours after the epoch and the desired span is exactly windows [0, n).
 */
import type { Project } from '../../src/config/index.ts';
import { partitionKey } from '../../src/partition/index.ts';
import type { NewVersion, VersionStore, StreamActivityStore } from '../../src/state/index.ts';

export const HOURLY_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['time_utc'],
  properties: { time_utc: { type: 'string', format: 'date-time' } },
};

export const HOURLY_PIPELINE = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.schema.json', time: 'time_utc', partition: 'hour', lateness: '10m' });
export const hourly = dataset({ name: 'hourly', inputs: { events }, sql: 'select count(*) as n from events' });
`;

const HOUR = 3_600_000;

export async function fillHourly(project: Project, state: VersionStore & StreamActivityStore, n: number, batch = 50_000): Promise<void> {
  const streamModel = project.streams.get('events')!;
  const model = project.datasets.get('hourly')!;
  const now = Date.now();
  for (let from = 0; from < n; from += batch) {
    const to = Math.min(n, from + batch);
    const raw: NewVersion[] = [];
    for (let idx = from; idx < to; idx++) {
      const key = partitionKey(streamModel.partitioning, idx);
      raw.push({
        id: `r${idx}`,
        dataset: 'events',
        idx,
        key,
        prefix: `raw/events/${idx}/r${idx}`,
        files: [{ path: `raw/events/${idx}/r${idx}/part-0.parquet`, rows: 1, bytes: 100 }],
        rows: 1,
        bytes: 100,
        schema: [{ name: 'time_utc', type: 'TIMESTAMP WITH TIME ZONE' }],
        codeFingerprint: 'raw',
        inputSeq: 0,
        inputs: [],
        runId: null,
        cause: 'new-data',
        createdAt: now,
        buildMs: 0,
      });
    }
    const seqs = await state.commitVersions(raw);
    const derived: NewVersion[] = raw.map((r, i) => ({
      ...r,
      id: `d${r.idx}`,
      dataset: 'hourly',
      key: partitionKey(model.partitioning, r.idx),
      prefix: `datasets/hourly/${r.idx}/d${r.idx}`,
      files: [{ path: `datasets/hourly/${r.idx}/d${r.idx}/part-0.parquet`, rows: 1, bytes: 100 }],
      codeFingerprint: model.codeFingerprint,
      inputSeq: seqs[i]!,
      inputs: [{ dataset: 'events', key: r.key, version: r.id }],
      cause: 'missing',
    }));
    await state.commitVersions(derived);
  }
  // Last received in the future: never idle, so the watermark is the newest event time minus lateness.
  await state.recordStreamActivity('events', { maxEventTime: n * HOUR + 10 * 60_000, receivedAt: now + 365 * 86_400_000, events: n, deadLetters: 0 });
}
