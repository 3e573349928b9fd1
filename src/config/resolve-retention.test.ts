import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PondError } from '../errors/index.ts';
import { KEEP_ALL, resolveGc, resolveRetention } from './resolve-retention.ts';

const fail = (where: string, message: string): never => {
  throw new PondError('INVALID_PROJECT', message, { where });
};
const where = (field: string) => `pipelines/p.ts: dataset "daily" field ${field}`;
const failsAt = (fn: () => unknown, field: string) =>
  assert.throws(fn, (e: PondError) => e.code === 'INVALID_PROJECT' && e.describe().includes(`field ${field}`) && e.describe().includes('pipelines/p.ts'));

describe('resolveRetention', () => {
  it('keeps everything by default, and a given versions replaces the base as a whole', () => {
    assert.deepEqual(resolveRetention(undefined, KEEP_ALL, where, fail), KEEP_ALL);
    const base = resolveRetention({ versions: { keep: 3, for: '30d' } }, KEEP_ALL, where, fail);
    assert.deepEqual(base, { partitionsMs: null, versions: { keep: 3, forMs: 30 * 86_400_000 } });
    assert.deepEqual(resolveRetention({ versions: { keep: 1 } }, base, where, fail), { partitionsMs: null, versions: { keep: 1, forMs: null } });
    assert.deepEqual(resolveRetention({}, base, where, fail), base);
    // Partitions and versions are inherited apart: a stream may set one and keep the default of the other.
    const expiring = resolveRetention({ partitions: '395d' }, base, where, fail);
    assert.deepEqual(expiring, { partitionsMs: 395 * 86_400_000, versions: base.versions });
    assert.deepEqual(resolveRetention({ partitions: 'forever' }, expiring, where, fail).partitionsMs, null);
  });

  it('names the field of a bad value', () => {
    failsAt(() => resolveRetention({ versions: { keep: -1 } }, KEEP_ALL, where, fail), 'retention.versions.keep');
    failsAt(() => resolveRetention({ versions: { keep: 1.5 } }, KEEP_ALL, where, fail), 'retention.versions.keep');
    failsAt(() => resolveRetention({ versions: { for: 'a while' } }, KEEP_ALL, where, fail), 'retention.versions.for');
    failsAt(() => resolveRetention({ versions: { count: 2 } } as never, KEEP_ALL, where, fail), 'retention.versions.count');
    failsAt(() => resolveRetention({ partitions: { for: '13mo' } } as never, KEEP_ALL, where, fail), 'retention.partitions');
    failsAt(() => resolveRetention({ partitions: '0d' }, KEEP_ALL, where, fail), 'retention.partitions');
    failsAt(() => resolveRetention({ rows: 3 } as never, KEEP_ALL, where, fail), 'retention.rows');
    failsAt(() => resolveRetention('30d' as never, KEEP_ALL, where, fail), 'retention');
  });
});

describe('resolveGc', () => {
  it('defaults to an hour, and refuses a grace shorter than a lease', () => {
    assert.deepEqual(resolveGc(undefined, where, fail), { intervalMs: 3_600_000, graceMs: 3_600_000 });
    assert.deepEqual(resolveGc({ interval: '10m' }, where, fail), { intervalMs: 600_000, graceMs: 3_600_000 });
    failsAt(() => resolveGc({ grace: '10s' }, where, fail), 'gc.grace');
    failsAt(() => resolveGc({ interval: 'often' as never }, where, fail), 'gc.interval');
  });
});
