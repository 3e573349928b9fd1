/**
 * A writer for the crash test (local-log-crash.test.ts): appends to the log in
 * `argv[2]` as fast as it can, with many appends in flight, and prints
 * `partition offset value` for each record only after its append resolved.
 * The test kills it with SIGKILL mid-stream; every line printed is a promise
 * the log made, and the test checks each one was kept.
 *
 * With `consume` as `argv[3]`, a consumer group `g` also reads each partition,
 * commits what it read and applies retention after every read, with segments
 * small and young (`segmentMs` of a few ms) and writers that pause now and
 * then so that the consumers catch up: segments roll at writes (by age) and at
 * retention (at the end) and are deleted all the time, and the kill lands
 * among them.
 */
import { LocalLog } from './local-log.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-writer.fixture.ts <dir> [consume]');
const consume = process.argv[3] === 'consume';
const log = await LocalLog.open(dir, { segmentBytes: 64 * 1024, segmentMs: consume ? 5 : undefined });
await log.ensureTopic('t', 3);
process.stdout.write('ready\n');

let seq = 0;
async function writer(): Promise<never> {
  for (;;) {
    const records = Array.from({ length: 1 + (seq % 5) }, () => {
      const n = seq++;
      return { key: n % 4 === 0 ? null : `k${n % 7}`, value: Buffer.from(`w-${process.pid}-${n}-${'x'.repeat(n % 200)}`), timestamp: n };
    });
    const positions = await log.append('t', records);
    process.stdout.write(positions.map((p, i) => `${p.partition} ${p.offset} ${records[i]!.value.toString()}\n`).join(''));
    // Consuming, every writer pauses in the second half of each 40 ms, so the consumers reach the end and retention rolls there too.
    const pause = consume ? Date.now() % 40 : 0;
    if (pause >= 20) await new Promise((resolve) => setTimeout(resolve, 40 - pause));
  }
}

async function consumer(partition: number): Promise<never> {
  let offset = Math.max((await log.committed('g', 't', partition)) ?? 0, log.startOffset('t', partition));
  for (;;) {
    await log.waitFor('t', partition, offset, 50);
    const records = await log.read('t', partition, offset, { maxRecords: 50 });
    offset += records.length;
    await log.commit('g', [{ topic: 't', partition, offset }]);
    await log.applyRetention();
  }
}

await Promise.all([...Array.from({ length: consume ? 8 : 32 }, writer), ...(consume ? [0, 1, 2].map(consumer) : [])]);
