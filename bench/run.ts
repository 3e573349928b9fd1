/**
 * `npm run bench [name]`: runs every benchmark, or the one named
 * (transform, orchestration, planning, ingest, ui, landing-encryption, transform-pii,
 * forgotten). Each prints its figures and its ratio
 * against a baseline measured in the same run.
 */
import { mkdirSync } from 'node:fs';
import { WORK } from './lib.ts';

const BENCHES: Record<string, () => Promise<{ run: () => Promise<Record<string, number>> }>> = {
  transform: () => import('./transform.ts'),
  orchestration: () => import('./orchestration.ts'),
  planning: () => import('./planning.ts'),
  ingest: () => import('./ingest.ts'),
  ui: () => import('./ui.ts'),
  'landing-encryption': () => import('./landing-encryption.ts'),
  'transform-pii': () => import('./transform-pii.ts'),
  forgotten: () => import('./forgotten.ts'),
  'key-epochs': () => import('./key-epochs.ts'),
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in BENCHES)) {
    console.error(`unknown benchmark "${name}"; choose from: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
}
mkdirSync(WORK, { recursive: true });
console.log(`node ${process.version}, ${new Date().toISOString()}`);
const results: Record<string, Record<string, number>> = {};
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  const mod = await BENCHES[name]!();
  results[name] = await mod.run();
  console.log('');
}
console.log(JSON.stringify(results, null, 2));
