/** Test helpers: temporary projects and running the real `pond` binary. */
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const POND = path.join(ROOT, 'bin', 'pond');

export interface PondResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function pond(project: string, ...args: string[]): PondResult {
  const r = spawnSync(process.execPath, [POND, '--project', project, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function pondJson<T = unknown>(project: string, ...args: string[]): T {
  const r = pond(project, ...args, '--json');
  if (r.status !== 0) throw new Error(`pond ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Starts `pond` in the background; servers it starts pick a free port (`POND_PORT=0`) unless told otherwise. */
export function spawnPond(project: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, [POND, '--project', project, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POND_PORT: process.env.POND_PORT ?? '0' },
  });
}

/** `pond up` in the background: `url` resolves with the collector's base URL once it listens, and rejects if the process exits first. */
export function startUp(project: string, ...args: string[]): { proc: ChildProcess; url: Promise<string>; output: () => string } {
  const proc = spawnPond(project, 'up', ...args);
  let text = '';
  const url = new Promise<string>((resolve, reject) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /collecting on (http:\/\/[^/\s]+)/.exec(text)?.[1];
      if (found) resolve(found);
    });
    proc.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    proc.on('exit', (code) => reject(new Error(`pond up exited ${code}: ${text}`)));
  });
  url.catch(() => undefined);
  return { proc, url, output: () => text };
}

/** A project folder with the given files (paths relative to it). */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pond-test-'));
  const all: Record<string, string> = {
    'package.json': '{ "type": "module" }\n',
    'pond.config.ts': "import { defineConfig } from 'pond';\nexport default defineConfig({ name: 'test', concurrency: 2 });\n",
    ...files,
  };
  for (const [name, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export const EVENTS_SCHEMA = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['user_id', 'time_utc', 'amount'],
  properties: { user_id: { type: 'string' }, time_utc: { type: 'string', format: 'date-time' }, amount: { type: 'number' } },
});

/** Events of EVENTS_SCHEMA on `day` (YYYY-MM-DD), one at :15 of each hour given, for users u0, u1 and u2 in turn; the amount is `amount` plus the hour. */
export function eventsOfDay(day: string, hours: number[], amount = 1): Array<Record<string, unknown>> {
  return hours.map((h, i) => ({ user_id: `u${i % 3}`, time_utc: `${day}T${String(h).padStart(2, '0')}:15:00Z`, amount: amount + h }));
}

/** Events, one NDJSON line each, at the given ISO times. */
export function ndjson(events: ReadonlyArray<Record<string, unknown>>): string {
  return `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs` naming `what`. */
export async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
