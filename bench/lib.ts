/** Shared helpers for the benchmarks: project scaffolding, timing, the CLI, bare DuckDB. */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../', import.meta.url));
export const WORK = path.join(REPO, 'bench', '.work');
export const POND_BIN = path.join(REPO, 'bin', 'pond');

export interface ProjectFiles {
  name: string;
  /** Schema JSON for the `events` stream. */
  schema: object;
  /** Source of pipelines/pipeline.ts. */
  pipeline: string;
  concurrency?: number;
}

/** A fresh project folder under bench/.work/<name>. */
export function makeProject(files: ProjectFiles): string {
  const dir = path.join(WORK, files.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'pipelines'), { recursive: true });
  mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  writeFileSync(
    path.join(dir, 'pond.config.ts'),
    `import { defineConfig } from 'pond';\nexport default defineConfig({ name: '${files.name}', concurrency: ${files.concurrency ?? 4} });\n`,
  );
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: files.name, private: true, type: 'module' }));
  writeFileSync(path.join(dir, 'schemas', 'events.schema.json'), JSON.stringify(files.schema, null, 2));
  writeFileSync(path.join(dir, 'pipelines', 'pipeline.ts'), files.pipeline);
  return dir;
}

export function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: ms(start), value };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Runs `bin/pond --project DIR ...args`; returns wall ms (process start included) and output. */
export function cli(dir: string, args: string[]): { ms: number; stdout: string; stderr: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [POND_BIN, '--project', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = ms(start);
  if (r.status !== 0) throw new Error(`pond ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return { ms: wall, stdout: r.stdout, stderr: r.stderr };
}

export function fmt(x: number, digits = 1): string {
  return x.toFixed(digits);
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Benchmark 1's events as NDJSON: `events` sales spread evenly over `hours`
 * from `start`, by 100,000 users over 1,000 SKUs, from a fixed seed (the same
 * file every run); with `email`, each user's email too (a personal field).
 */
export async function generateSales(file: string, options: { events: number; hours: number; start: number; email?: boolean }): Promise<void> {
  const out = createWriteStream(file);
  let seed = 42;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const span = options.hours * 3_600_000;
  let buf = '';
  for (let i = 0; i < options.events; i++) {
    const t = options.start + Math.floor((i / options.events) * span);
    const u = Math.floor(rnd() * 100_000);
    const email = options.email ? `,"email":"person${u}@mail.example"` : '';
    buf += `{"time_utc":"${new Date(t).toISOString()}","user_id":"u${u}"${email},"sku":"sku-${Math.floor(rnd() * 1000)}","amount":${Math.round(rnd() * 100_000) / 100}}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'close');
}
