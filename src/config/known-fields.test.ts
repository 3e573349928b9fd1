import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName as closest, editDistance } from '../errors/index.ts';
import { CONFIG_FIELDS, DATASET_FIELDS, STREAM_FIELDS, unknownField } from './known-fields.ts';

describe('closest', () => {
  it('finds the word a typo was meant to be: an edit, a swap of neighbours, or the case', () => {
    assert.equal(closest('parition', ['partition', 'inputs', 'sql']), 'partition');
    assert.equal(closest('concurency', ['concurrency', 'retries']), 'concurrency');
    assert.equal(closest('form', ['from', 'map']), 'from');
    assert.equal(closest('maxbatch', ['interval', 'maxBatch']), 'maxBatch');
    assert.equal(editDistance('tabel', 'table'), 1);
  });

  it('suggests nothing when no word is close', () => {
    assert.equal(closest('zzzzzz', ['partition', 'inputs', 'sql']), undefined);
    assert.equal(closest('ab', ['sql']), undefined);
  });
});

describe('unknownField', () => {
  it('passes what the authoring API writes, definitions and checks included', () => {
    const events = { kind: 'stream', name: 'events', schema: 's.json', time: 't', definedIn: '/p/x.ts' };
    assert.equal(unknownField(events, STREAM_FIELDS), undefined);
    const daily = {
      kind: 'dataset',
      definedIn: undefined,
      name: 'daily',
      partition: { every: '10s' },
      inputs: { events, h: { from: events, map: { last: '7d' } }, named: 'events' },
      checks: [{ type: 'check', kind: 'range', column: 'n', min: 0, severity: 'error', name: undefined, description: undefined }],
      sinks: [{ type: 'sink', kind: 'sqlite', file: 'x.db' }],
      contract: { anything: 'VARCHAR' },
      sql: 'select 1',
    };
    assert.equal(unknownField(daily, DATASET_FIELDS), undefined);
    assert.equal(unknownField({ kind: 'config', collect: { sources: { app: { writeKey: 'k', segment: { track: 't' } } } } }, CONFIG_FIELDS), undefined);
  });

  it('names the first unknown field by its path, with the closest known one', () => {
    assert.deepEqual(unknownField({ name: 'd', retries: { attemps: 2 } }, DATASET_FIELDS), {
      path: 'retries.attemps',
      key: 'attemps',
      suggestion: 'attempts',
      known: ['attempts', 'backoff', 'maxBackoff'],
    });
    assert.equal(unknownField({ collect: { sources: { web: { segment: { trak: 'x' } } } } }, CONFIG_FIELDS)?.path, 'collect.sources.web.segment.trak');
    assert.equal(unknownField({ checks: [{}, { type: 'check', kind: 'row_count', min: 1, maxx: 2 }] }, DATASET_FIELDS)?.path, 'checks[1].maxx');
    assert.equal(unknownField({ inputs: { e: { from: 'events', mapp: 'all' } } }, DATASET_FIELDS)?.suggestion, 'map');
  });
});
