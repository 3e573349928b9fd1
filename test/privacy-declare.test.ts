/**
 * Declaring personal data, through the real binary: `x-pond-pii` schema
 * annotations and `pii` options, their propagation to SQL and TypeScript
 * datasets (`pond privacy --json`), and invalid declarations (exit 2, naming
 * the file and the field).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeProject, pond, pondJson } from './helpers/project.ts';

interface Privacy {
  personalData: Array<{
    name: string;
    kind: string;
    identifiers: string[];
    personal: string[];
    columns: Array<{ column: string; class: string; source: string }>;
    unverified: boolean;
  }>;
  noPersonalData: string[];
}

const SCHEMA = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'object',
    additionalProperties: false,
    properties: {
      user_id: { type: 'string', 'x-pond-pii': 'identifier' },
      email: { type: 'string', 'x-pond-pii': 'personal' },
      address: { type: 'object', properties: { city: { type: 'string' }, street: { type: 'string', 'x-pond-pii': 'personal' } } },
      amount: { type: 'number' },
      time_utc: { type: 'string', format: 'date-time' },
      ...extra,
    },
  });

const PIPELINE = `
import { dataset, stream } from 'pond';
export const orders = stream({ name: 'orders', schema: 'schemas/orders.json', time: 'time_utc', pii: { personal: ['amount'] } });
export const clean = dataset({ name: 'clean', inputs: { orders }, sql: "select user_id as buyer, lower(email) as mail, address.city as city, time_utc from orders where amount > 0" });
export const totals = dataset({ name: 'totals', inputs: { c: clean }, sql: "select city, count(distinct buyer) as buyers, md5(buyer) as buyer_hash from c group by all", pii: { none: ['buyer_hash'] } });
export const flagged = dataset({
  name: 'flagged',
  inputs: { c: clean },
  columns: { buyer: 'VARCHAR', city: 'VARCHAR', score: 'DOUBLE' },
  async *transform({ inputs }) { for await (const rows of inputs.c.batches()) yield rows.map((r) => ({ buyer: r.buyer, city: r.city, score: 1 })); },
});
export const declared = dataset({
  name: 'declared',
  inputs: { c: clean },
  columns: { who: 'VARCHAR', n: 'BIGINT' },
  pii: { identifiers: ['who'] },
  async *transform() { yield { who: 'x', n: 1 }; },
});
`;

describe('pond privacy', () => {
  it('lists personal columns of streams and datasets, with where each class comes from', () => {
    const dir = makeProject({ 'schemas/orders.json': SCHEMA(), 'pipelines/p.ts': PIPELINE });
    const out = pondJson<Privacy>(dir, 'privacy');
    const byName = new Map(out.personalData.map((n) => [n.name, n]));
    const sources = (name: string) => Object.fromEntries(byName.get(name)?.columns.map((c) => [c.column, `${c.class}: ${c.source}`]) ?? []);

    assert.deepEqual(sources('orders'), {
      user_id: 'identifier: declared',
      email: 'personal: declared',
      address: 'personal: declared',
      amount: 'personal: declared',
      _raw: 'identifier: the original event',
      _ip: 'personal: client IP address',
    });
    assert.deepEqual(sources('clean'), {
      buyer: 'identifier: from orders.user_id',
      mail: 'personal: from orders.email',
      city: 'personal: from orders.address',
    });
    // count(distinct buyer) is a number, and the hash is declared none.
    assert.deepEqual(sources('totals'), { city: 'personal: from clean.city' });
    assert.deepEqual(sources('flagged'), { buyer: 'identifier: by name (unverified)', city: 'personal: by name (unverified)' });
    assert.equal(byName.get('flagged')?.unverified, true);
    assert.deepEqual(sources('declared'), { who: 'identifier: declared' });
    assert.equal(byName.get('declared')?.unverified, false);
    assert.deepEqual(out.noPersonalData, []);

    const text = pond(dir, 'privacy');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /clean \(dataset, pipelines\/p\.ts\)/);
    assert.match(text.stdout, /mail \(from orders\.email\)/);
    assert.match(text.stdout, /flagged .*UNVERIFIED/);
  });

  it('a project without declarations holds no personal data', () => {
    const dir = makeProject({
      'schemas/e.json': JSON.stringify({ type: 'object', properties: { n: { type: 'number' }, time_utc: { type: 'string' } } }),
      'pipelines/p.ts':
        "import { dataset, stream } from 'pond';\nexport const e = stream({ name: 'e', schema: 'schemas/e.json', time: 'time_utc' });\nexport const d = dataset({ name: 'd', inputs: { e }, sql: 'select * from e' });\n",
    });
    assert.deepEqual(pondJson<Privacy>(dir, 'privacy'), { personalData: [], noPersonalData: ['e', 'd'] });
  });

  const invalid = (schema: string, streamOptions: string, datasetOptions = '') =>
    makeProject({
      'schemas/orders.json': schema,
      'pipelines/p.ts': `import { dataset, stream } from 'pond';\nexport const orders = stream({ name: 'orders', schema: 'schemas/orders.json', time: 'time_utc'${streamOptions} });\nexport const d = dataset({ name: 'd', inputs: { orders }, sql: 'select user_id, amount from orders'${datasetOptions} });\n`,
    });
  const cases: Array<{ name: string; dir: () => string; where: RegExp; message: RegExp }> = [
    {
      name: 'an unknown annotation value',
      dir: () => invalid(SCHEMA({ amount: { type: 'number', 'x-pond-pii': 'secret' } }), ''),
      where: /schemas\/orders\.json: properties\.amount field x-pond-pii/,
      message: /unknown value "secret"/,
    },
    {
      name: 'a declared field that is not a property',
      dir: () => invalid(SCHEMA(), ", pii: { personal: ['phone'] }"),
      where: /pipelines\/p\.ts: stream "orders" field pii\.personal\[0\]/,
      message: /"phone" is not a property of schemas\/orders\.json/,
    },
    {
      name: 'a field both identifier and personal',
      dir: () => invalid(SCHEMA(), ", pii: { personal: ['user_id'] }"),
      where: /field pii\.personal\[0\]/,
      message: /"user_id" is declared both identifier and personal/,
    },
    {
      name: 'personal fields without an identifier',
      dir: () => invalid(SCHEMA({ user_id: { type: 'string' } }), ''),
      where: /schemas\/orders\.json: properties\.email field x-pond-pii/,
      message: /without an identifier[\s\S]*mark the field that identifies the subject/,
    },
    {
      name: 'a dataset column in two classes',
      dir: () => invalid(SCHEMA(), '', ", pii: { identifiers: ['user_id'], none: ['user_id'] }"),
      where: /dataset "d" field pii\.none\[0\]/,
      message: /"user_id" is also in pii\.identifiers/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} (exit 2, naming file and field)`, () => {
      const r = pond(c.dir(), 'privacy');
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, c.where);
      assert.match(r.stderr, c.message);
    });
  }

  it('refuses a SQL dataset override naming a column it does not output', () => {
    const r = pond(invalid(SCHEMA(), '', ", pii: { none: ['nope'] }"), 'privacy');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /dataset "d" field pii\.none\[0\]/);
    assert.match(r.stderr, /"nope" is not an output column/);
  });
});
