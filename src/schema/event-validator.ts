/**
 * Validates events against a stream's JSON Schema (draft-07 or 2020-12) and
 * explains each failure in one line that names the field.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { PII_KEYWORD } from './pii-annotations.ts';

// ajv-formats is CommonJS with a default export; under ESM it sits on `.default`.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

export type EventValidator = (event: unknown) => string | undefined;

/**
 * Compiles a schema; throws with Ajv's message when the schema itself is invalid.
 *
 * @example
 * const validate = compileEventSchema({ type: 'object', required: ['id'] });
 * validate({}) // "must have required property 'id'"
 */
export function compileEventSchema(schema: Record<string, unknown>): EventValidator {
  const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  const ajv = is2020 ? new Ajv2020({ allErrors: false, strict: false }) : new Ajv({ allErrors: false, strict: false });
  addFormats(ajv as Ajv);
  // Pond's own annotation (see pii-annotations.ts): known, so that strict mode would not reject it; it validates nothing.
  ajv.addKeyword({ keyword: PII_KEYWORD });
  const validate: ValidateFunction = ajv.compile(schema);
  return (event) => (validate(event) ? undefined : describeErrors(validate.errors ?? []));
}

function describeErrors(errors: readonly ErrorObject[]): string {
  const first = errors[0];
  if (!first) return 'does not match the schema';
  const where = first.instancePath === '' ? '' : `${first.instancePath.slice(1).replaceAll('/', '.')}: `;
  return `${where}${first.message ?? 'is invalid'}`;
}
