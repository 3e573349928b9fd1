/**
 * A files sink: one CSV (with a header) or Parquet (zstd) file per partition,
 * at `<dir>/<dataset>/<partition folder>/data.<csv|parquet>` with Hive-style
 * folder names (`date=2026-11-23`), so DuckDB, Spark or pandas read the whole
 * folder as one table. Each file is written under a temporary name and renamed
 * into place: a reader sees the old file or the new one, never half.
 * Removing an expired partition deletes its file (and what an interrupted
 * publish left beside it), then the folders that emptied.
 */
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import type { PartitionPayload, PartitionRef, Sink } from '../sink.ts';

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
      throw new PondError('STORAGE_UNAVAILABLE', `writing partition ${payload.key} to ${file} failed: ${(error as Error).message}`, {
        where: this.options.where,
        cause: error,
      });
    }
  }

  async remove(partition: PartitionRef): Promise<void> {
    const file = this.fileOf(partition);
    const folder = path.dirname(file);
    try {
      const staged = (await readdir(folder).catch(() => [] as string[])).filter(
        (name) => name.startsWith('.data-') && name.endsWith(`.${this.options.format}.tmp`),
      );
      for (const name of [path.basename(file), ...staged]) await rm(path.join(folder, name), { force: true });
    } catch (error) {
      throw new PondError('STORAGE_UNAVAILABLE', `removing expired partition ${partition.key} (${file}) failed: ${(error as Error).message}`, {
        where: this.options.where,
        cause: error,
      });
    }
    // Empty partition folders (`date=…/hour=…`) up to the dataset's folder go too; one that holds anything else stays.
    const top = path.join(this.options.dir, partition.dataset);
    for (let dir = folder; dir.startsWith(`${top}${path.sep}`); dir = path.dirname(dir)) {
      const kept = await rmdir(dir).then(
        () => false,
        (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
      );
      if (kept) break;
    }
  }

  async close(): Promise<void> {}
}
