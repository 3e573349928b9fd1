/**
 * A files sink: one CSV (with a header) or Parquet (zstd) file per partition,
 * at `<dir>/<dataset>/<partition folder>/data.<csv|parquet>` with Hive-style
 * folder names (`date=2026-11-23`), so DuckDB, Spark or pandas read the whole
 * folder as one table. Each file is written under a temporary name and renamed
 * into place: a reader sees the old file or the new one, never half.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import type { PartitionPayload, Sink } from '../sink.ts';

export interface FilesSinkOptions {
  readonly dir: string;
  readonly format: 'csv' | 'parquet';
  readonly where: string;
}

export class FilesSink implements Sink {
  readonly target: string;

  constructor(private readonly options: FilesSinkOptions) {
    this.target = `${options.dir} (${options.format})`;
  }

  /** Where a partition's file goes. */
  fileOf(payload: Pick<PartitionPayload, 'dataset' | 'path'>): string {
    return path.join(this.options.dir, payload.dataset, payload.path, `data.${this.options.format}`);
  }

  async publish(payload: PartitionPayload): Promise<void> {
    const file = this.fileOf(payload);
    const staged = path.join(path.dirname(file), `.data-${randomBytes(6).toString('hex')}.${this.options.format}.tmp`);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await payload.copyTo(staged, this.options.format);
      await rename(staged, file);
    } catch (error) {
      await rm(staged, { force: true }).catch(() => undefined);
      throw new PondError('STORAGE_UNAVAILABLE', `writing partition ${payload.key} to ${file} failed: ${(error as Error).message}`, { where: this.options.where, cause: error });
    }
  }

  async close(): Promise<void> {}
}
