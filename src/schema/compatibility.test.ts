import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCompatibility, COMPATIBILITY_MODES, describeDifference, isSuperset, type CompatibilityMode } from './compatibility.ts';

type Schema = Record<string, unknown>;

/** An order event; `closed` sets additionalProperties: false. */
function order(properties: Schema, { closed = false, required = ['order_id'] }: { closed?: boolean; required?: string[] } = {}): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { order_id: { type: 'string' }, ...properties },
    required,
    ...(closed ? { additionalProperties: false } : {}),
  };
}

const kinds = (mode: CompatibilityMode, candidate: Schema, previous: Schema[]): string[] =>
  checkCompatibility(mode, candidate, previous).differences.map((d) => d.kind);
const ok = (mode: CompatibilityMode, candidate: Schema, previous: Schema[]): boolean => checkCompatibility(mode, candidate, previous).compatible;

describe('checkCompatibility: content models', () => {
  const coupon = { coupon: { type: 'string', maxLength: 32 } };

  it('adding an optional property to an open model is forward- but not backward-compatible', () => {
    const v1 = order({});
    const v2 = order(coupon);
    // Old producers could have sent "coupon" with any value; the new reader constrains it.
    assert.deepEqual(kinds('BACKWARD', v2, [v1]), ['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']);
    assert.equal(ok('FORWARD', v2, [v1]), true);
    assert.equal(ok('FULL', v2, [v1]), false);
  });

  it('adding an optional property to a closed model is backward- but not forward-compatible', () => {
    const v1 = order({}, { closed: true });
    const v2 = order(coupon, { closed: true });
    assert.equal(ok('BACKWARD', v2, [v1]), true);
    assert.deepEqual(kinds('FORWARD', v2, [v1]), ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL']);
  });

  // The mirror image of adding. Note: removing from a closed model breaks BACKWARD, not FORWARD —
  // old data may carry the property, and the new closed reader rejects it.
  it('removing a property from a closed model is forward- but not backward-compatible', () => {
    const v1 = order(coupon, { closed: true });
    const v2 = order({}, { closed: true });
    assert.equal(ok('FORWARD', v2, [v1]), true);
    const [d] = checkCompatibility('BACKWARD', v2, [v1]).differences;
    assert.equal(d?.kind, 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
    assert.equal(d?.path, '#/properties/coupon');
    assert.equal(d?.property, 'coupon');
  });

  it('removing a property from an open model is backward-compatible, not forward (old readers still constrain it)', () => {
    const v1 = order(coupon);
    const v2 = order({});
    assert.equal(ok('BACKWARD', v2, [v1]), true);
    assert.deepEqual(kinds('FORWARD', v2, [v1]), ['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']);
  });

  it('an unconstrained new property on an open model is fully compatible', () => {
    assert.equal(ok('FULL', order({ note: {} }), [order({})]), true);
  });

  it('closing an open model narrows it; a partially open model is checked against its additionalProperties schema', () => {
    assert.deepEqual(kinds('BACKWARD', order({}, { closed: true }), [order({})]), ['ADDITIONAL_PROPERTIES_NARROWED']);
    const tags = (ap: Schema) => ({ type: 'object', properties: { tags: { type: 'object', additionalProperties: ap } } });
    assert.equal(ok('BACKWARD', tags({ type: 'string' }), [tags({ type: 'string', maxLength: 8 })]), true);
    const [d] = checkCompatibility('BACKWARD', tags({ type: 'string', maxLength: 8 }), [tags({ type: 'string' })]).differences;
    assert.equal(d?.kind, 'MAX_LENGTH_ADDED');
    assert.equal(d?.path, '#/properties/tags/additionalProperties');
    assert.equal(d?.property, 'tags.*');
  });
});

describe('checkCompatibility: widening and narrowing', () => {
  const cases: Array<[string, Schema, Schema, string]> = [
    ['integer → number', { type: 'integer' }, { type: 'number' }, 'TYPE_NARROWED'],
    ['maxLength 64 → 255', { type: 'string', maxLength: 64 }, { type: 'string', maxLength: 255 }, 'MAX_LENGTH_DECREASED'],
    ['minLength 2 → 1', { type: 'string', minLength: 2 }, { type: 'string', minLength: 1 }, 'MIN_LENGTH_INCREASED'],
    ['enum gains "sso"', { enum: ['password', 'magic_link'] }, { enum: ['password', 'magic_link', 'sso'] }, 'ENUM_NARROWED'],
    ['maximum 100 → 1000', { type: 'number', maximum: 100 }, { type: 'number', maximum: 1000 }, 'MAXIMUM_DECREASED'],
    ['exclusiveMinimum 0 → minimum 0', { type: 'number', exclusiveMinimum: 0 }, { type: 'number', minimum: 0 }, 'MINIMUM_INCREASED'],
    ['maxItems 10 → 50', { type: 'array', maxItems: 10 }, { type: 'array', maxItems: 50 }, 'MAX_ITEMS_DECREASED'],
    ['multipleOf 0.01 → 0.001', { type: 'number', multipleOf: 0.01 }, { type: 'number', multipleOf: 0.001 }, 'MULTIPLE_OF_CHANGED'],
    ['string → string | null', { type: 'string' }, { type: ['string', 'null'] }, 'TYPE_NARROWED'],
    ['format dropped', { type: 'string', format: 'email' }, { type: 'string' }, 'FORMAT_ADDED'],
  ];
  for (const [name, narrow, wide, kind] of cases) {
    it(`${name}: backward ok, forward reports ${kind}; the reverse narrows`, () => {
      const v1 = order({ field: narrow });
      const v2 = order({ field: wide });
      assert.equal(ok('BACKWARD', v2, [v1]), true);
      assert.deepEqual(kinds('FORWARD', v2, [v1]), [kind]);
      assert.deepEqual(kinds('BACKWARD', v1, [v2]), [kind]);
      assert.equal(ok('FORWARD', v1, [v2]), true);
    });
  }

  it('distinguishes a changed type from a narrowed one, and reports changed patterns and consts', () => {
    assert.deepEqual(kinds('BACKWARD', order({ amount: { type: 'string' } }), [order({ amount: { type: 'number' } })]), ['TYPE_CHANGED']);
    assert.deepEqual(kinds('BACKWARD', order({ sku: { type: 'string', pattern: '^[A-Z]{3}$' } }), [order({ sku: { type: 'string', pattern: '^[A-Z]+$' } })]), [
      'PATTERN_CHANGED',
    ]);
    assert.deepEqual(kinds('BACKWARD', order({ v: { const: 2 } }), [order({ v: { const: 1 } })]), ['CONST_CHANGED']);
    assert.deepEqual(kinds('BACKWARD', order({ v: { type: 'integer', minimum: 1 } }), [order({ v: { type: 'integer' } })]), ['MINIMUM_ADDED']);
  });
});

describe('checkCompatibility: required properties', () => {
  const v1 = order({ currency: { type: 'string' } });

  it('requiring a property the old schema did not is not backward-compatible', () => {
    const v2 = order({ currency: { type: 'string' } }, { required: ['order_id', 'currency'] });
    const [d] = checkCompatibility('BACKWARD', v2, [v1]).differences;
    assert.equal(d?.kind, 'REQUIRED_PROPERTY_ADDED');
    assert.equal(d?.property, 'currency');
    assert.equal(ok('FORWARD', v2, [v1]), true);
  });

  it('is allowed when the property has a default, as Confluent allows', () => {
    const v2 = order({ currency: { type: 'string', default: 'EUR' } }, { required: ['order_id', 'currency'] });
    assert.equal(ok('BACKWARD', v2, [v1]), true);
  });
});

describe('checkCompatibility: nesting, $ref and unions', () => {
  const withItems = (item: Schema, defs = 'definitions'): Schema => ({
    type: 'object',
    [defs]: { line: item },
    properties: {
      items: { type: 'array', items: { $ref: `#/${defs}/line` } },
      shipping: { type: 'object', properties: { address: { type: 'object', properties: { zip: { type: 'string', maxLength: 10 } } } } },
    },
  });
  const line = (qty: Schema): Schema => ({ type: 'object', properties: { sku: { type: 'string' }, qty }, required: ['sku'], additionalProperties: false });

  it('follows arrays of objects through $ref to $defs and definitions, and names the nested path', () => {
    const v1 = withItems(line({ type: 'number' }), '$defs');
    const v2 = withItems(line({ type: 'integer' }), 'definitions');
    const [d, ...rest] = checkCompatibility('BACKWARD', v2, [v1]).differences;
    assert.deepEqual(rest, []);
    assert.equal(d?.kind, 'TYPE_NARROWED');
    assert.equal(d?.path, '#/properties/items/items/properties/qty');
    assert.equal(d?.property, 'items[].qty');
    assert.match(d?.message ?? '', /^property "items\[\]\.qty": version 1 allows number, but the new schema accepts only integer/);
    assert.equal(ok('FORWARD', v2, [v1]), true);
  });

  it('recurses into nested objects', () => {
    const v1 = withItems(line({ type: 'integer' }));
    const v2 = structuredClone(v1) as { properties: { shipping: { properties: { address: { properties: { zip: Schema } } } } } };
    v2.properties.shipping.properties.address.properties.zip = { type: 'string', maxLength: 5 };
    const [d] = checkCompatibility('BACKWARD', v2, [v1]).differences;
    assert.equal(d?.kind, 'MAX_LENGTH_DECREASED');
    assert.equal(d?.property, 'shipping.address.zip');
  });

  it('terminates on recursive schemas', () => {
    const tree = (leaf: Schema): Schema => ({
      $defs: { node: { type: 'object', properties: { value: leaf, children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
      $ref: '#/$defs/node',
    });
    assert.equal(ok('FULL', tree({ type: 'string' }), [tree({ type: 'string' })]), true);
    assert.deepEqual(kinds('BACKWARD', tree({ type: 'integer' }), [tree({ type: 'number' })]), ['TYPE_NARROWED']);
  });

  it('reports a $ref it cannot resolve instead of passing it', () => {
    assert.deepEqual(kinds('BACKWARD', { $ref: 'https://example.com/order.json' }, [{ type: 'object' }]), ['REF_UNRESOLVED']);
  });

  it('checks unions branch by branch: each writer branch must fit some reader branch', () => {
    const card = { type: 'object', properties: { kind: { const: 'card' }, last4: { type: 'string' } } };
    const iban = { type: 'object', properties: { kind: { const: 'iban' }, iban: { type: 'string' } } };
    const paypal = { type: 'object', properties: { kind: { const: 'paypal' }, email: { type: 'string' } } };
    const v1 = order({ payment: { oneOf: [card, iban] } });
    const v2 = order({ payment: { oneOf: [card, iban, paypal] } });
    assert.equal(ok('BACKWARD', v2, [v1]), true);
    const [d] = checkCompatibility('FORWARD', v2, [v1]).differences;
    assert.equal(d?.kind, 'COMBINED_TYPE_CHANGED');
    assert.equal(d?.path, '#/properties/payment/oneOf/2');
    assert.match(d?.message ?? '', /^property "payment": branch 2 of the new schema's oneOf is not covered/);
    // A plain type read as a union that includes it is widening.
    assert.equal(ok('BACKWARD', order({ amount: { anyOf: [{ type: 'integer' }, { type: 'string' }] } }), [order({ amount: { type: 'integer' } })]), true);
  });
});

describe('checkCompatibility: modes', () => {
  // v2 dropped "shipped" while the subject was set to NONE; data written with v1 still holds it.
  const status = (values: string[]): Schema => order({ status: { type: 'string', enum: values } });
  const v1 = status(['placed', 'paid', 'shipped']);
  const v2 = status(['placed', 'paid']);
  const v3 = status(['placed', 'paid', 'refunded']);

  it('_TRANSITIVE checks every earlier version, not only the latest', () => {
    assert.equal(ok('BACKWARD', v3, [v1, v2]), true);
    const result = checkCompatibility('BACKWARD_TRANSITIVE', v3, [v1, v2]);
    assert.equal(result.compatible, false);
    assert.deepEqual(
      result.differences.map((d) => [d.against, d.direction, d.kind]),
      [[0, 'backward', 'ENUM_NARROWED']],
    );
    assert.match(result.differences[0]?.message ?? '', /version 1 allows "shipped", but the new schema does not/);
  });

  it('FORWARD_TRANSITIVE and FULL_TRANSITIVE likewise reach back to version 1', () => {
    const w1 = status(['placed']);
    const w2 = status(['placed', 'paid', 'shipped']);
    const w3 = status(['placed', 'paid']);
    assert.equal(ok('FORWARD', w3, [w1, w2]), true);
    assert.deepEqual(
      checkCompatibility('FORWARD_TRANSITIVE', w3, [w1, w2]).differences.map((d) => [d.against, d.direction]),
      [[0, 'forward']],
    );
    const full = checkCompatibility('FULL_TRANSITIVE', w3, [w1, w2]).differences.map((d) => [d.against, d.direction]);
    assert.deepEqual(full, [
      [0, 'forward'],
      [1, 'backward'],
    ]);
  });

  it('FULL is BACKWARD and FORWARD together', () => {
    const full = checkCompatibility('FULL', v3, [v1, v2]);
    assert.deepEqual(
      full.differences.map((d) => d.direction),
      ['forward'],
    );
    assert.equal(ok('FULL', v2, [v2]), true);
  });

  it('NONE always passes, and so does a first version under every mode', () => {
    assert.equal(ok('NONE', { type: 'string' }, [v1, v2]), true);
    for (const mode of COMPATIBILITY_MODES) assert.equal(ok(mode, v1, []), true);
  });

  it('describes a difference with the subject, the property and the mode', () => {
    const login = (methods: string[]): Schema => ({ type: 'object', properties: { method: { enum: methods } } });
    const [d] = checkCompatibility('BACKWARD', login(['password']), [login(['password', 'sso'])]).differences;
    assert.ok(d);
    assert.equal(
      describeDifference(d, 'BACKWARD', 'user_events'),
      'user_events: property "method": version 1 allows "sso", but the new schema does not (enum narrowed): not allowed under BACKWARD',
    );
  });

  it('names the property path in every message', () => {
    const a = withEverything({ closed: false });
    const b = withEverything({ closed: true, tighter: true });
    for (const mode of ['FULL', 'FULL_TRANSITIVE'] as const) {
      const { differences } = checkCompatibility(mode, b, [a]);
      assert.ok(differences.length >= 8, `${differences.length} differences`);
      for (const d of differences) {
        const expected = d.property === undefined ? 'the top-level schema: ' : `property "${d.property}": `;
        assert.ok(d.message.startsWith(expected), d.message);
      }
    }
  });
});

describe('isSuperset', () => {
  it('treats a missing type as any, true as everything and false as nothing', () => {
    assert.deepEqual(isSuperset({}, { type: 'string' }), []);
    assert.deepEqual(isSuperset(true, { type: 'string' }), []);
    assert.deepEqual(isSuperset({ type: 'string' }, false), []);
    assert.deepEqual(
      isSuperset({ type: 'string' }, {}).map((d) => d.kind),
      ['TYPE_NARROWED'],
    );
    assert.equal(
      isSuperset({ type: 'string' }, {})[0]?.message,
      'the top-level schema: the writer schema allows null | boolean | object | array | number | string, but the reader schema accepts only string (type narrowed)',
    );
  });

  it('checks a reader allOf part by part and folds a writer allOf', () => {
    const base = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    const writer = { allOf: [base, { properties: { n: { type: 'integer' } } }] };
    assert.deepEqual(isSuperset({ allOf: [base, { properties: { n: { type: 'number' } } }] }, writer), []);
    assert.deepEqual(
      isSuperset({ allOf: [base, { properties: { n: { type: 'string' } } }] }, writer).map((d) => d.kind),
      ['TYPE_CHANGED'],
    );
  });
});

function withEverything({ closed, tighter = false }: { closed: boolean; tighter?: boolean }): Schema {
  return {
    type: 'object',
    properties: {
      id: { type: 'string', maxLength: tighter ? 10 : 20 },
      total: { type: tighter ? 'integer' : 'number', minimum: tighter ? 1 : 0 },
      lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string', ...(tighter ? { pattern: '^[A-Z]+$' } : {}) } } } },
      meta: { type: 'object', additionalProperties: tighter ? false : true },
      ...(tighter ? { channel: { enum: ['web'] } } : { legacy: { type: 'string' } }),
    },
    required: tighter ? ['id', 'channel'] : ['id'],
    ...(closed ? { additionalProperties: false } : {}),
  };
}
