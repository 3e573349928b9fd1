/**
 * A writer for the crash test (local-log-crash.test.ts): appends to the log in
 * `argv[2]` as fast as it can, with many appends in flight, and prints
 * `partition offset value` for each record only after its append resolved.
 * The test kills it with SIGKILL mid-stream; every line printed is a promise
 * the log made, and the test checks each one was kept.
 */
import { LocalLog } from './local-log.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-writer.fixture.ts <dir>');
const log = await LocalLog.open(dir, { segmentBytes: 64 * 1024 });
await log.ensureTopic('t', 3);
process.stdout.write('ready\n');

let seq = 0;
async function writer(): Promise<never> {
  for (;;) {
    const records = Array.from({ length: 1 + (seq % 5) }, () => {
      const n = seq++;
      return { key: n % 4 === 0 ? null : `k${n % 7}`, value: Buffer.from(`w-${n}-${'x'.repeat(n % 200)}`), timestamp: n };
    });
    const positions = await log.append('t', records);
    process.stdout.write(positions.map((p, i) => `${p.partition} ${p.offset} ${records[i]!.value.toString()}\n`).join(''));
  }
}
await Promise.all(Array.from({ length: 32 }, writer));
