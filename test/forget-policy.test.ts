/**
 * Changing `privacy.forgotten` changes what builds read of forgotten
 * subjects' rows, so it makes exactly the datasets that read a stream with
 * personal data stale (a code change), and nothing else.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadProject } from '../src/config/index.ts';
import { makeProject } from './helpers/project.ts';

const SCHEMA = JSON.stringify({
  type: 'object',
  properties: { user_id: { type: 'string', 'x-pond-pii': 'identifier' }, amount: { type: 'number' }, time_utc: { type: 'string', format: 'date-time' } },
});
const PLAIN = JSON.stringify({ type: 'object', properties: { amount: { type: 'number' }, time_utc: { type: 'string', format: 'date-time' } } });

const PIPELINE = `
import { dataset, stream } from 'pond';
export const orders = stream({ name: 'orders', schema: 'schemas/orders.json', time: 'time_utc' });
export const ticks = stream({ name: 'ticks', schema: 'schemas/ticks.json', time: 'time_utc' });
export const buyers = dataset({ name: 'buyers', inputs: { orders }, sql: "select count(distinct user_id) as n from orders" });
export const totals = dataset({ name: 'totals', inputs: { b: buyers }, sql: "select n from b" });
export const counts = dataset({ name: 'counts', inputs: { ticks }, sql: "select count(*) as n from ticks" });
`;

const config = (policy?: string) =>
  `import { defineConfig } from 'pond';\nexport default defineConfig({ name: 'test'${policy ? `, privacy: { forgotten: '${policy}' }` : ''} });\n`;

describe('privacy.forgotten and staleness', () => {
  it('changes the code fingerprint of the datasets that read forgotten rows, and only theirs', async () => {
    // One project folder per config: a project's modules are imported once per process.
    const fingerprints = async (policy?: string) => {
      const project = await loadProject(
        makeProject({ 'schemas/orders.json': SCHEMA, 'schemas/ticks.json': PLAIN, 'pipelines/p.ts': PIPELINE, 'pond.config.ts': config(policy) }),
      );
      return Object.fromEntries(['buyers', 'totals', 'counts'].map((n) => [n, project.datasets.get(n)?.codeFingerprint]));
    };
    const anonymize = await fingerprints();
    const drop = await fingerprints('drop');
    assert.notEqual(drop.buyers, anonymize.buyers, 'a dataset reading the stream with personal data is rebuilt');
    assert.equal(drop.totals, anonymize.totals, 'its dependants follow through their inputs, not their code');
    assert.equal(drop.counts, anonymize.counts, 'a stream without personal data is read the same way');
    assert.deepEqual(await fingerprints('anonymize'), anonymize, 'the default written out is the default');
  });
});
