import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStateStore, type StateStore } from '../state/index.ts';
import { canonicalJson, schemaFingerprint } from './canonical-json.ts';
import type { CompatibilityMode } from './compatibility.ts';
import { compareStreamSchema, registerProjectSchemas, type PreviousSchema, type RegistryStream } from './registry.ts';

type Schema = Record<string, unknown>;

const status = (values: string[], extra: Schema = {}): Schema => ({
  type: 'object',
  properties: { order_id: { type: 'string' }, status: { type: 'string', enum: values } },
  required: ['order_id'],
  additionalProperties: false,
  ...extra,
});

function stream(schema: Schema, compatibility: CompatibilityMode = 'BACKWARD'): RegistryStream {
  return { name: 'orders', file: 'pipelines/orders.ts', schemaFile: 'schemas/orders.json', schema, compatibility };
}

function history(...schemas: Schema[]): PreviousSchema[] {
  return schemas.map((schema, i) => ({ label: `version ${i + 1}`, schema, fingerprint: schemaFingerprint(schema) }));
}

describe('compareStreamSchema', () => {
  // Version 2 dropped "shipped" (registered under NONE); events written with version 1 may still hold it.
  const registered = history(status(['placed', 'paid', 'shipped']), status(['placed', 'paid']));
  const widened = status(['placed', 'paid', 'refunded']);
  const narrowed = status(['placed']);
  const described = status(['placed', 'paid'], { description: 'an order changed state' });

  const cases: Array<[CompatibilityMode, string, string, string]> = [
    // mode                  widened         narrowed        described (no compatibility effect vs version 2)
    ['BACKWARD', 'compatible', 'incompatible', 'compatible'],
    ['BACKWARD_TRANSITIVE', 'incompatible', 'incompatible', 'incompatible'],
    ['FORWARD', 'incompatible', 'compatible', 'compatible'],
    ['FORWARD_TRANSITIVE', 'incompatible', 'compatible', 'compatible'],
    ['FULL', 'incompatible', 'incompatible', 'compatible'],
    ['FULL_TRANSITIVE', 'incompatible', 'incompatible', 'incompatible'],
    ['NONE', 'compatible', 'compatible', 'compatible'],
  ];
  for (const [mode, ...expected] of cases) {
    it(`${mode}: ${expected.join(', ')}`, () => {
      const actual = [widened, narrowed, described].map((s) => compareStreamSchema(stream(s, mode), registered).status);
      assert.deepEqual(actual, expected);
    });
  }

  it('lists what the mode forbids, and what it does not check as allowed, each naming the property, the rule and the version', () => {
    const report = compareStreamSchema(stream(widened, 'BACKWARD_TRANSITIVE'), registered);
    assert.deepEqual(report.against, ['version 1', 'version 2']);
    assert.deepEqual(
      report.changes.map((c) => [c.allowed, c.against, c.direction, c.kind, c.property]),
      [
        [false, 'version 1', 'backward', 'ENUM_NARROWED', 'status'],
        [true, 'version 2', 'forward', 'ENUM_NARROWED', 'status'],
      ],
    );
    assert.equal(
      report.changes[0]?.message,
      'orders: property "status": version 1 allows "shipped", but the new schema does not (enum narrowed): not allowed under BACKWARD_TRANSITIVE (rule ENUM_NARROWED)',
    );
    assert.match(
      report.changes[1]?.message ?? '',
      /^orders: property "status": the new schema allows "refunded", but version 2 does not .*: allowed under BACKWARD_TRANSITIVE, which does not require that version 2 reads events written with the new schema \(rule ENUM_NARROWED\)$/,
    );
  });

  it('is new without history and unchanged when only the layout differs', () => {
    assert.equal(compareStreamSchema(stream(widened), []).status, 'new');
    const reordered = JSON.parse(JSON.stringify({ additionalProperties: false, ...status(['placed', 'paid']) })) as Schema;
    const report = compareStreamSchema(stream(reordered), registered);
    assert.deepEqual([report.status, report.latest, report.changes], ['unchanged', 'version 2', []]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, and keeps a "__proto__" key', () => {
    assert.equal(canonicalJson({ b: [2, { d: 1, c: 0 }], a: null }), '{"a":null,"b":[2,{"c":0,"d":1}]}');
    assert.equal(canonicalJson(JSON.parse('{"__proto__":{"x":1}}')), '{"__proto__":{"x":1}}');
  });
});

describe('registerProjectSchemas', () => {
  const open = (): Promise<StateStore> => openStateStore({ sqlitePath: ':memory:' });

  it('registers version 1, nothing when unchanged, the next version when allowed, and nothing at all when a change is refused', async () => {
    const state = await open();
    try {
      const v1 = status(['placed', 'paid']);
      assert.deepEqual(await registerProjectSchemas([stream(v1)], state, 1_000), [{ stream: 'orders', version: 1, created: true }]);
      assert.deepEqual(await registerProjectSchemas([stream(v1)], state, 2_000), []);
      const v2 = status(['placed', 'paid', 'refunded']);
      assert.deepEqual(await registerProjectSchemas([stream(v2)], state, 3_000), [{ stream: 'orders', version: 2, created: true }]);
      const [latest] = [...(await state.latestSchemaVersions()).values()];
      assert.deepEqual([latest?.version, latest?.schema, latest?.compatibility, latest?.registeredAt], [2, canonicalJson(v2), 'BACKWARD', 3_000]);

      const other: RegistryStream = { ...stream(v1), name: 'payments' };
      const refused = registerProjectSchemas([other, stream(status(['placed']))], state, 4_000);
      await assert.rejects(refused, (error: Error & { code?: string; where?: string; hint?: string }) => {
        assert.equal(error.code, 'INVALID_PROJECT');
        assert.equal(error.where, 'schemas/orders.json');
        assert.match(
          error.message,
          /stream "orders" changed in a way BACKWARD does not allow \(the new schema must accept every event that version 2 accepts\)/,
        );
        assert.match(error.message, /property "status": version 2 allows "paid", "refunded", but the new schema does not .*\(rule ENUM_NARROWED\)/);
        assert.match(error.hint ?? '', /revert the change, make it compatible, or set another mode: `compatibility` on the stream \(in pipelines\/orders.ts\)/);
        return true;
      });
      // The allowed stream beside it was not registered either: a start registers all or nothing.
      assert.deepEqual(await state.schemaVersions('payments'), []);
    } finally {
      await state.close();
    }
  });

  it('checks again against a version another process registered in between', async () => {
    const state = await open();
    try {
      await registerProjectSchemas([stream(status(['placed']))], state);
      // Another process registers version 2 after this start read the latest version.
      let raced = false;
      const racing: StateStore = Object.create(state) as StateStore;
      racing.schemaVersions = async (name) => {
        const versions = await state.schemaVersions(name);
        if (!raced) {
          raced = true;
          const schema = status(['placed', 'paid', 'refunded']);
          await state.registerSchemaVersion({
            stream: name,
            fingerprint: schemaFingerprint(schema),
            schema: canonicalJson(schema),
            compatibility: 'BACKWARD',
            registeredAt: 0,
            after: 1,
          });
        }
        return versions;
      };
      // Compatible with version 1, but not with version 2: the retry must see version 2 and refuse.
      await assert.rejects(registerProjectSchemas([stream(status(['placed', 'paid']))], racing), /version 2 allows "refunded"/);
      assert.equal((await state.schemaVersions('orders')).length, 2);
    } finally {
      await state.close();
    }
  });
});
