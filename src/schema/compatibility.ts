/**
 * Compatibility between versions of a stream's JSON Schema, with the modes of
 * Confluent Schema Registry: BACKWARD (the new schema reads data written with
 * the previous one), FORWARD (the previous schema reads data written with the
 * new one), FULL (both), their _TRANSITIVE forms (against every earlier
 * version, not only the latest) and NONE. The content-model rules are in
 * schema-superset.ts.
 */
import type { CompatibilityMode as DeclaredMode } from '../define/index.ts';
import { isSuperset, type SchemaDifference } from './schema-superset.ts';

export type { DifferenceKind, SchemaDifference, SideLabels } from './schema-superset.ts';
export { isSuperset };

type Schema = Record<string, unknown> | boolean;

export const COMPATIBILITY_MODES = Object.freeze([
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const);
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];
// define/ declares the same union for user projects (it cannot import this list): fails to compile if the two drift apart.
const _sameModes: [CompatibilityMode, DeclaredMode] extends [DeclaredMode, CompatibilityMode] ? true : false = true;

export interface CompatibilityDifference extends SchemaDifference {
  /** Index into `previous` of the version this difference is against. */
  readonly against: number;
  /** `backward`: the candidate reads that version's data; `forward`: that version reads the candidate's. */
  readonly direction: 'backward' | 'forward';
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  readonly mode: CompatibilityMode;
  readonly differences: readonly CompatibilityDifference[];
}

/** What a mode checks: which directions, against the latest version only or every earlier one. */
export function directionsOf(mode: CompatibilityMode): { readonly backward: boolean; readonly forward: boolean; readonly transitive: boolean } {
  return {
    backward: mode.startsWith('BACKWARD') || mode.startsWith('FULL'),
    forward: mode.startsWith('FORWARD') || mode.startsWith('FULL'),
    transitive: mode.endsWith('_TRANSITIVE'),
  };
}

export interface CheckCompatibilityOptions {
  /** How messages name `previous[against]`; default `version ${against + 1}`. */
  readonly label?: (against: number) => string;
}

/**
 * Checks a candidate schema against the versions registered before it
 * (oldest first). With no previous versions, or under NONE, it is compatible.
 *
 * @example
 * const v1 = { type: 'object', properties: { amount: { type: 'integer' } } };
 * const v2 = { type: 'object', properties: { amount: { type: 'number' } } };
 * checkCompatibility('BACKWARD', v2, [v1]).compatible // true: number reads integers
 * checkCompatibility('FORWARD', v2, [v1]).differences[0]?.kind // 'TYPE_NARROWED'
 * checkCompatibility('FORWARD', v2, [v1], { label: () => 'origin/main' }).differences[0]?.message
 * // 'property "amount": the new schema allows number, but origin/main accepts only integer (type narrowed)'
 */
export function checkCompatibility(
  mode: CompatibilityMode,
  candidate: object,
  previous: readonly object[],
  options: CheckCompatibilityOptions = {},
): CompatibilityResult {
  const differences: CompatibilityDifference[] = [];
  if (mode !== 'NONE' && previous.length > 0) {
    const { transitive, backward, forward } = directionsOf(mode);
    for (let against = transitive ? 0 : previous.length - 1; against < previous.length; against++) {
      const old = previous[against] as Schema;
      const oldLabel = options.label?.(against) ?? `version ${against + 1}`;
      if (backward) {
        for (const d of isSuperset(candidate as Schema, old, '#', { reader: 'the new schema', writer: oldLabel }))
          differences.push({ ...d, against, direction: 'backward' });
      }
      if (forward) {
        for (const d of isSuperset(old, candidate as Schema, '#', { reader: oldLabel, writer: 'the new schema' }))
          differences.push({ ...d, against, direction: 'forward' });
      }
    }
  }
  return Object.freeze({ compatible: differences.length === 0, mode, differences: Object.freeze(differences) });
}

/**
 * One line for a CLI or an API error, naming the stream, the property, the
 * rule and the mode that forbids it.
 *
 * @example
 * describeDifference(d, 'BACKWARD', 'user_events')
 * // 'user_events: property "method": version 2 allows "sso", but the new schema does not (enum narrowed): not allowed under BACKWARD'
 */
export function describeDifference(difference: SchemaDifference, mode: CompatibilityMode, subject?: string): string {
  return `${subject === undefined ? '' : `${subject}: `}${difference.message}: not allowed under ${mode}`;
}
