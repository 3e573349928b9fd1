/** Deletes lake objects sixteen at a time: what retention removed from the state store, after its transaction. */
import type { Lake } from '../lake/index.ts';

export async function deleteKeys(lake: Lake, keys: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) await lake.store.delete(keys[next++] as string);
  };
  await Promise.all(Array.from({ length: Math.min(16, keys.length) }, worker));
}
