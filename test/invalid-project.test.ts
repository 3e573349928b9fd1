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

  it('checks: a column the stream lacks, an unknown relationship target, a duplicate name, a bad contract', () => {
    const withStreamChecks = (checks: string) =>
      statusOf(`import { check } from 'pond';\nexport const s2 = stream({ name: 's2', schema: 'schemas/events.json', time: 'time_utc', checks: ${checks} });`);
    const column = withStreamChecks(`[check.notNull(['user_id', 'nope'])]`);
    assert.equal(column.status, 2);
    assert.match(column.stderr, /pipelines\/p.ts: stream "s2" field checks\[0\].columns\[1\]: "nope" is not a column of s2/);
    const target = withStreamChecks(`[check.relationships('user_id', { to: 'people', field: 'id' })]`);
    assert.equal(target.status, 2);
    assert.match(target.stderr, /field checks\[0\].to: unknown stream or dataset "people"/);
    const twice = withStreamChecks(`[check.unique('user_id'), check.unique('user_id')]`);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /field checks\[1\].name: the name "unique\(user_id\)" is already used by checks\[0\]/);
    const contract = statusOf(`export const a = dataset({ name: 'a', inputs: { events }, sql: 'select 1', contract: { id: 42 } as never });`);
    assert.equal(contract.status, 2);
    assert.match(contract.stderr, /dataset "a" field contract.id: must be a DuckDB type name, got 42/);
    const notCheck = statusOf(`export const b = dataset({ name: 'b', inputs: { events }, sql: 'select 1', checks: [{ kind: 'not_null' }] as never });`);
    assert.equal(notCheck.status, 2);
    assert.match(notCheck.stderr, /dataset "b" field checks\[0\]: is not a check/);
  });

  it('a missing project', () => {
    const r = pond('/nonexistent-pond-project', 'status');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no pond.config.ts/);
  });
  it('collection settings: an unknown stream for a source, a short write key, a bad size', () => {
    const withConfig = (collect: string) => {
      const dir = makeProject({
        'pipelines/p.ts': STREAM,
        'schemas/events.json': EVENTS_SCHEMA,
        'pond.config.ts': `import { defineConfig } from 'pond';\nexport default defineConfig({ collect: ${collect} });\n`,
      });
      return pond(dir, 'status');
    };
    const unknown = withConfig(`{ sources: { app: { writeKey: 'key-0123456789', streams: ['clicks'] } } }`);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /pond.config.ts: field collect.sources.app.streams: unknown stream "clicks"/);
    assert.match(unknown.stderr, /known streams: events/);
    const short = withConfig(`{ sources: { app: { writeKey: 'abc', streams: ['events'] } } }`);
    assert.equal(short.status, 2);
    assert.match(short.stderr, /field collect.sources.app.writeKey: must be a string of at least 8 characters/);
    const size = withConfig(`{ maxEventSize: '32 kilobytes' }`);
    assert.equal(size.status, 2);
    assert.match(size.stderr, /field collect.maxEventSize: "32 kilobytes" is not a size/);
  });
});
