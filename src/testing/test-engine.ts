/**
 * What every `runDataset` of a test process shares: one DuckDB instance and
 * one scratch folder for fixture and output files. Both are made on first use
 * and go when the process exits, or earlier with `closeTesting()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openEngine, type Engine } from '../compute/index.ts';

let engine: Promise<Engine> | undefined;
let opened: Engine | undefined;
let scratchDir: string | undefined;
let seq = 0;
let exitHooked = false;

export function testEngine(): Promise<Engine> {
  hookExit();
  engine ??= openEngine().then((e) => (opened = e));
  return engine;
}

/** A fresh path in the scratch folder; `name` makes it readable in error messages. */
export function scratchPath(name: string): string {
  hookExit();
  scratchDir ??= mkdtempSync(path.join(tmpdir(), 'pond-testing-'));
  return path.join(scratchDir, `${++seq}-${name.replace(/[^\w.-]/g, '_')}`);
}

/**
 * Closes the DuckDB instance and removes the scratch files. Optional: both go
 * when the process exits. The next `runDataset` opens them again.
 *
 * @example
 * import { after } from 'node:test';
 * import { closeTesting } from 'pond/testing';
 * after(closeTesting);
 */
export async function closeTesting(): Promise<void> {
  const pending = engine;
  engine = undefined;
  opened = undefined;
  if (pending) (await pending.catch(() => undefined))?.close();
  removeScratch();
}

function removeScratch(): void {
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  scratchDir = undefined;
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    try {
      opened?.close();
    } catch {
      // The process is ending; an instance that will not close is gone anyway.
    }
    removeScratch();
  });
}
