/**
 * Checks answers of the data API against its OpenAPI document: the status
 * must be one the document gives for the operation, the content type one it
 * gives for that status, and a JSON body must match the schema it gives,
 * with every object closed (a property the document does not name is an
 * error, as is one it names and the answer lacks). Records which operations
 * were checked, so that a test can require all of them.
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Ajv, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { OPENAPI_DOCUMENT } from '../../src/serve/api/index.ts';

// ajv-formats is CommonJS with a default export; under ESM it sits on `.default`.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

type Json = unknown;
interface Operation {
  readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema: Json }>> }>>;
}

const ANSWERS_ID = 'pond-api-answers';

/**
 * A copy of `schema` with every object schema that lists properties closed
 * (`additionalProperties: false`, unless it says otherwise), and its
 * `#/components/schemas/…` references pointing at the closed copies.
 */
export function closed(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === '$ref' && typeof value === 'string' ? value.replace('#/components/schemas/', `${ANSWERS_ID}#/$defs/`) : closed(value);
  }
  if (out.type === 'object' && typeof out.properties === 'object' && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

export class DocumentedAnswers {
  /** `get /api/datasets/{name}` … for each operation checked. */
  readonly checked = new Set<string>();
  readonly #ajv = new Ajv2020({ strict: true, allErrors: true });
  readonly #validators = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.#ajv as unknown as Ajv);
    // strict: a keyword Ajv does not know (a typo in the document) fails here, not silently.
    this.#ajv.addSchema({ $id: ANSWERS_ID, $defs: closed(OPENAPI_DOCUMENT.components.schemas) as Record<string, Json> });
  }

  /** Every operation of the document, as `method path`. */
  operations(): string[] {
    return Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
  }

  /** Fails the test when `response` (read as `body`) is not an answer the document gives for `method path`. */
  check(method: string, path: string, response: Response, body: Json): void {
    const name = `${method.toLowerCase()} ${path}`;
    const operation = (OPENAPI_DOCUMENT.paths as Record<string, Record<string, Operation> | undefined>)[path]?.[method.toLowerCase()];
    assert.ok(operation, `the document has no operation ${name}`);
    const documented = operation.responses[String(response.status)];
    assert.ok(documented, `${name} answered ${response.status}, which the document does not give (it gives ${Object.keys(operation.responses).join(', ')})`);
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const content = documented.content?.[type];
    assert.ok(content, `${name} ${response.status} answered ${type || 'no content type'}, which the document does not give`);
    this.checked.add(name);
    if (type !== 'application/json') return;
    const key = `${name} ${response.status}`;
    let validate = this.#validators.get(key);
    if (!validate) {
      validate = this.#ajv.compile(closed(content.schema) as Record<string, Json>);
      this.#validators.set(key, validate);
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(the answer)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
      assert.fail(`${key} does not answer what the OpenAPI document says:\n  ${errors.slice(0, 10).join('\n  ')}`);
    }
  }
}
