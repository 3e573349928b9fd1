/** Invalid projects stop pond with exit code 2 and a message naming the file, the definition and the field. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, makeProject, pond } from './helpers/project.ts';

const STREAM = `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour' });
`;

function statusOf(pipeline: string) {
  const dir = makeProject({ 'pipelines/p.ts': STREAM + pipeline, 'schemas/events.json': EVENTS_SCHEMA });
  return pond(dir, 'status');
}

describe('invalid projects', () => {
  it('unknown input', () => {
    const r = statusOf(`export const a = dataset({ name: 'a', inputs: { users: 'users' }, sql: 'select 1' });`);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /pipelines\/p.ts: dataset "a" field inputs.users: unknown input "users"/);
    assert.match(r.stderr, /known streams and datasets: a, events/);
  });

  it('dependency cycle, listed', () => {
    const r = statusOf(`export const a = dataset({ name: 'a', inputs: { x: 'b' }, sql: 'select 1' });
export const b = dataset({ name: 'b', inputs: { x: 'a' }, sql: 'select 1' });`);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /dependency cycle: a → b → a/);
  });

  it('a mapping that does not fit the grains', () => {
    const r = statusOf(`export const d = dataset({ name: 'd', partition: 'day', inputs: { events }, sql: 'select 1' });
export const h = dataset({ name: 'h', partition: 'hour', inputs: { d }, sql: 'select 1' });`);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /dataset "h" field inputs.d.map: a hour window is not made of whole day partitions of "d"/);
  });

  it('a bad duration', () => {
    const r = statusOf(`export const a = dataset({ name: 'a', inputs: { e: { from: events, map: { last: '7 days' } } }, partition: 'day', sql: 'select 1' });`);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /dataset "a" field inputs.e.map.last: "7 days" is not a duration/);
  });

  it('a missing project', () => {
    const r = pond('/nonexistent-pond-project', 'status');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no pond.config.ts/);
  });
});
