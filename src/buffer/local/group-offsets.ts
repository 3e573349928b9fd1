/**
 * Consumer groups' committed offsets: one JSON file per group in
 * `<dir>/groups/<group>.json`, replaced atomically on every commit, all loaded
 * into memory at open so that `committed()` and retention never touch the disk.
 *
 * Commits of one group run one after another, each merging into what the one
 * before it wrote, so two concurrent commits for different partitions both land.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PondError } from '../../errors/index.ts';
import type { TopicPartitionOffset } from '../log.ts';
import { TEMP_SUFFIX, makeDirDurable, writeFileAtomic } from './durable-file.ts';

/** Group → topic → partition → next offset to read. */
type Offsets = Map<string, Map<number, number>>;

interface GroupFile {
  readonly group: string;
  readonly offsets: Record<string, Record<string, number>>;
}

export class GroupOffsets {
  private readonly groups = new Map<string, Offsets>();
  /** The tail of each group's chain of commits. */
  private readonly queues = new Map<string, Promise<void>>();

  private constructor(readonly dir: string) {}

  /** Loads every group's file from `dir` (created if missing), removing leftover temp files. */
  static async open(dir: string): Promise<GroupOffsets> {
    await makeDirDurable(dir);
    const store = new GroupOffsets(dir);
    for (const name of await fs.readdir(dir)) {
      const file = path.join(dir, name);
      if (name.endsWith(TEMP_SUFFIX)) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      let parsed: GroupFile;
      try {
        parsed = JSON.parse(await fs.readFile(file, 'utf8')) as GroupFile;
      } catch (error) {
        throw new PondError('STORAGE_UNAVAILABLE', `consumer group file ${file} cannot be read: ${(error as Error).message}`, {
          cause: error,
          retryable: false,
          where: file,
          hint: 'group files are replaced atomically, so this is damage; delete the file to make the group start over from the log start',
        });
      }
      const offsets: Offsets = new Map();
      for (const [topic, partitions] of Object.entries(parsed.offsets ?? {})) {
        offsets.set(topic, new Map(Object.entries(partitions).map(([p, o]) => [Number(p), o])));
      }
      store.groups.set(parsed.group ?? name.slice(0, -'.json'.length), offsets);
    }
    return store;
  }

  get(group: string, topic: string, partition: number): number | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Merges `offsets` into the group's file; durable when this resolves. */
  commit(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const run = (this.queues.get(group) ?? Promise.resolve()).then(() => this.write(group, offsets));
    const tail = run.catch(() => undefined);
    this.queues.set(group, tail);
    void tail.then(() => {
      if (this.queues.get(group) === tail) this.queues.delete(group);
    });
    return run;
  }

  /**
   * The lowest offset committed for a partition by the groups that have
   * committed for its topic at all (a group that committed other partitions
   * but not this one counts as 0); undefined when no group consumes the topic.
   */
  floor(topic: string, partition: number): number | undefined {
    let lowest: number | undefined;
    for (const offsets of this.groups.values()) {
      const partitions = offsets.get(topic);
      if (partitions === undefined) continue;
      const offset = partitions.get(partition) ?? 0;
      if (lowest === undefined || offset < lowest) lowest = offset;
    }
    return lowest;
  }

  /** Waits for commits under way. */
  async close(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  private async write(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    // Copy, merge, write; only a durable write becomes what `get` answers.
    const next: Offsets = new Map([...(this.groups.get(group) ?? new Map<string, Map<number, number>>())].map(([t, p]) => [t, new Map(p)]));
    for (const { topic, partition, offset } of offsets) {
      let partitions = next.get(topic);
      if (partitions === undefined) next.set(topic, (partitions = new Map()));
      partitions.set(partition, offset);
    }
    const content: GroupFile = {
      group,
      offsets: Object.fromEntries([...next].map(([topic, partitions]) => [topic, Object.fromEntries([...partitions].sort((a, b) => a[0] - b[0]))])),
    };
    await writeFileAtomic(path.join(this.dir, `${group}.json`), `${JSON.stringify(content, null, 2)}\n`);
    this.groups.set(group, next);
  }
}
