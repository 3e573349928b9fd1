import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalLog } from './local-log.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

interface Acknowledged {
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

/**
 * Runs crash-writer.fixture.ts on `dir`, kills it with SIGKILL once it has
 * acknowledged `killAfter` records (whatever the machine's speed: the moment
 * is counted in records, not in milliseconds), and returns the records it
 * acknowledged, those written between the count and the kill included.
 */
async function writeAndKill(dir: string, killAfter: number, args: readonly string[] = []): Promise<Acknowledged[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crash-writer.fixture.ts'), dir, ...args], {
    cwd: path.resolve(here, '../../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let killed = false;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (!killed && output.startsWith('ready\n') && output.split('\n').length - 2 >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  assert.equal(await exited, 'SIGKILL', 'the writer was killed, not finished');
  // Only whole lines count: the last one may have been cut by the kill.
  const acknowledged = output
    .split('\n')
    .slice(1, -1)
    .map((line) => {
      const [partition, offset, value] = line.split(' ');
      return { partition: Number(partition), offset: Number(offset), value: value! };
    });
  assert.ok(acknowledged.length >= killAfter, `the writer acknowledged ${acknowledged.length} records before the kill`);
  return acknowledged;
}

/**
 * Reopens the log and checks what the kill left: every partition reads with
 * contiguous offsets from its start to its end, each value once, and every
 * acknowledged record at or past the start is there; with a consumer group,
 * the start is at or below what it committed (no unread record was deleted).
 */
async function checkAfterKill(dir: string, acknowledged: readonly Acknowledged[], group?: string): Promise<number[]> {
  const log = await LocalLog.open(dir);
  try {
    const starts: number[] = [];
    const seen = new Set<string>();
    const byPosition = new Map<string, string>();
    for (let p = 0; p < 3; p++) {
      const start = log.startOffset('t', p);
      starts.push(start);
      if (group !== undefined) {
        const committed = (await log.committed(group, 't', p)) ?? 0;
        assert.ok(start <= committed, `partition ${p} starts at ${start}, at or below the committed ${committed}`);
      } else {
        assert.equal(start, 0);
      }
      let offset = start;
      for (;;) {
        const records = await log.read('t', p, offset);
        if (records.length === 0) break;
        for (const r of records) {
          assert.equal(r.offset, offset++, `partition ${p}: offsets are contiguous`);
          const value = r.value.toString();
          assert.ok(!seen.has(value), `${value} is in the log once`);
          seen.add(value);
          byPosition.set(`${p}/${r.offset}`, value);
        }
      }
      assert.equal(offset, log.endOffset('t', p));
    }
    for (const a of acknowledged) {
      assert.ok(a.offset < log.endOffset('t', a.partition), `acknowledged ${a.partition}/${a.offset} is below the end`);
      if (a.offset >= log.startOffset('t', a.partition))
        assert.equal(byPosition.get(`${a.partition}/${a.offset}`), a.value, `acknowledged record at ${a.partition}/${a.offset}`);
    }
    // The log goes on where it stopped.
    const [next] = await log.append('t', [{ key: 'k1', value: Buffer.from(`after-${acknowledged.length}`), timestamp: 0 }]);
    assert.equal(next!.offset, log.endOffset('t', next!.partition) - 1);
    return starts;
  } finally {
    await log.close();
  }
}

describe('LocalLog under kill -9', () => {
  it('keeps every record it acknowledged, intact, with contiguous offsets and no duplicates', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'pond-buffer-crash-'));
    dirs.push(dir);
    await checkAfterKill(dir, await writeAndKill(dir, 400));
  });

  it('opens and keeps every unread record when killed among segment rolls and deletions by retention', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'pond-buffer-crash-'));
    dirs.push(dir);
    // Three kills on one folder, each at a different moment, each reopening what the one before left.
    for (const killAfter of [300, 430, 570]) {
      const starts = await checkAfterKill(dir, await writeAndKill(dir, killAfter, ['consume']), 'g');
      assert.ok(
        starts.some((s) => s > 0),
        `retention deleted segments before the kill (partitions start at ${starts.join(', ')})`,
      );
    }
  });
});
