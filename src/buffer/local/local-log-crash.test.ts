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

describe('LocalLog under kill -9', () => {
  it('keeps every record it acknowledged, intact, with contiguous offsets and no duplicates', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'pond-buffer-crash-'));
    dirs.push(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crash-writer.fixture.ts'), dir], {
      cwd: path.resolve(here, '../../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        if (output === '' && chunk.startsWith('ready\n')) setTimeout(() => child.kill('SIGKILL'), 300);
        output += chunk;
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    assert.equal(await exited, 'SIGKILL', 'the writer was killed, not finished');

    // Only whole lines count: the last one may have been cut by the kill.
    const acknowledged = output.split('\n').slice(1, -1).map((line) => {
      const [partition, offset, value] = line.split(' ');
      return { partition: Number(partition), offset: Number(offset), value: value! };
    });
    assert.ok(acknowledged.length > 100, `the writer acknowledged ${acknowledged.length} records before the kill`);

    const log = await LocalLog.open(dir);
    try {
      const seen = new Set<string>();
      const byPosition = new Map<string, string>();
      for (let p = 0; p < 3; p++) {
        let offset = 0;
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
      for (const a of acknowledged) assert.equal(byPosition.get(`${a.partition}/${a.offset}`), a.value, `acknowledged record at ${a.partition}/${a.offset}`);
      // The log goes on where it stopped.
      const [next] = await log.append('t', [{ key: 'k1', value: Buffer.from('after'), timestamp: 0 }]);
      assert.equal(next!.offset, log.endOffset('t', next!.partition) - 1);
    } finally {
      await log.close();
    }
  });
});
