/**
 * What ending a key epoch costs (the last step of completing a forget
 * request, privacy/keys/key-epochs.ts): every live subject key is unwrapped
 * and wrapped again under a new epoch key, in one state transaction. The
 * baseline, in the same run and store, is creating those keys in the first
 * place (`keysOf` of as many new subjects: random keys wrapped and inserted
 * in one transaction). 10,000 and 100,000 subjects (`BENCH_SUBJECTS` sets
 * the largest), SQLite state store; median of 3 rotations.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { KeyEpochs, KeyHierarchy, LocalEpochKeyStore, SubjectKeyRing } from '../src/privacy/index.ts';
import { openStateStore } from '../src/state/index.ts';
import { WORK, fmt, log, median, time } from './lib.ts';

const RUNS = 3;

export async function run(): Promise<Record<string, number>> {
  const largest = Number(process.env.BENCH_SUBJECTS ?? 100_000);
  const out: Record<string, number> = {};
  for (const subjects of [Math.min(10_000, largest), largest]) {
    const dir = path.join(WORK, `key-epochs-${subjects}-${Date.now()}`);
    const state = await openStateStore({ sqlitePath: path.join(dir, 'state.db') });
    await state.migrate();
    try {
      const hierarchy = new KeyHierarchy(randomBytes(32));
      const ring = new SubjectKeyRing(state, hierarchy, new KeyEpochs(hierarchy, new LocalEpochKeyStore(path.join(dir, 'keys'))), { capacity: 1 });
      const pseudonyms = Array.from({ length: subjects }, (_, i) => ring.pseudonym(`user-${i}`));
      await ring.keysOf(['warm-up']); // begins epoch 1, so that creation below is creation alone
      const create = await time(() => ring.keysOf(pseudonyms));
      const rotations: number[] = [];
      for (let r = 0; r < RUNS; r++) rotations.push((await time(() => ring.rotateEpoch())).ms);
      const rotate = median(rotations);
      log(
        `key epochs, ${subjects} subjects: creating the keys ${fmt(create.ms)} ms (baseline); ending an epoch ${fmt(rotate)} ms [${rotations.map((x) => fmt(x)).join(', ')}] = ${fmt(rotate / create.ms, 2)}× (${fmt((rotate * 1000) / subjects, 1)} µs a key)`,
      );
      out[`create_${subjects}_ms`] = create.ms;
      out[`rotate_${subjects}_ms`] = rotate;
      out[`ratio_${subjects}`] = rotate / create.ms;
    } finally {
      await state.close();
    }
  }
  return out;
}
