/**
 * Validates events against a stream's JSON Schema (draft-07 or 2020-12) and
 * explains each failure in one line that names the field, quotes the value
 * that failed (cut to a readable length) and, where the schema lists them,
 * the values it allows: `plan: must be one of "free", "pro"; got "gold"`.
 * The value of a field that holds personal data is never quoted.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { PII_KEYWORD } from './pii-annotations.ts';
import { MASKED_VALUE, shownValue, wellFormed } from './shown-value.ts';

// ajv-formats is CommonJS with a default export; under ESM it sits on `.default`.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/**
 * Undefined when the event is valid, else why not. `personal` names the
 * top-level fields whose values a reason must not quote (a stream's
 * identifiers and personal fields).
 */
export type EventValidator = (event: unknown, personal?: ReadonlySet<string>) => string | undefined;

/** Allowed values listed in a reason; more are counted. */
const MAX_LISTED = 10;

/**
 * Compiles a schema; throws with Ajv's message when the schema itself is invalid.
 *
 * @example
 * const validate = compileEventSchema({ type: 'object', required: ['id'], properties: { plan: { enum: ['free', 'pro'] } } });
 * validate({}) // "must have required property 'id'"
 * validate({ id: 1, plan: 'gold' }) // 'plan: must be one of "free", "pro"; got "gold"'
 * validate({ id: 1, plan: 'gold' }, new Set(['plan'])) // 'plan: must be one of "free", "pro"; got a value not shown (personal data)'
 */
export function compileEventSchema(schema: Record<string, unknown>): EventValidator {
  const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  // verbose: errors carry the value that failed (`data`); it costs nothing until an event fails.
  const options = { allErrors: false, strict: false, verbose: true };
  const ajv = is2020 ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv as Ajv);
  // Pond's own annotation (see pii-annotations.ts): known, so that strict mode would not reject it; it validates nothing.
  ajv.addKeyword({ keyword: PII_KEYWORD });
  const validate: ValidateFunction = ajv.compile(schema);
  return (event, personal) => (validate(event) ? undefined : describeErrors(validate.errors ?? [], personal));
}

function describeErrors(errors: readonly ErrorObject[], personal: ReadonlySet<string> | undefined): string {
  const first = errors[0];
  if (!first) return 'does not match the schema';
  const path = first.instancePath === '' ? [] : first.instancePath.slice(1).split('/').map(unescapePointer);
  const where = path.length === 0 ? '' : `${wellFormed(path.join('.'))}: `;
  const masked = path.length > 0 && personal?.has(path[0] as string) === true;
  const got = `got ${masked ? MASKED_VALUE : shownValue(first.data)}`;
  const params = first.params as Record<string, unknown>;
  switch (first.keyword) {
    case 'required':
      return `${where}${first.message ?? 'is invalid'}`;
    case 'additionalProperties': {
      const name = wellFormed([...path, String(params.additionalProperty)].join('.'));
      return `${name}: not a property the schema allows (additionalProperties is false)`;
    }
    case 'enum':
      return `${where}must be one of ${listed(params.allowedValues)}; ${got}`;
    case 'const':
      return `${where}must be ${shownValue(params.allowedValue)}; ${got}`;
    case 'type':
      return `${where}must be ${[params.type].flat().join(' or ')}; ${got}`;
    default:
      return `${where}${wellFormed(first.message ?? 'is invalid')}; ${got}`;
  }
}

/** Allowed values as a reason lists them: the first few, then how many more. */
function listed(values: unknown): string {
  if (!Array.isArray(values)) return shownValue(values);
  const shown = values.slice(0, MAX_LISTED).map(shownValue).join(', ');
  return values.length > MAX_LISTED ? `${shown} … (${values.length - MAX_LISTED} more)` : shown;
}

/** A JSON Pointer segment as the property name it stands for. */
function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}
