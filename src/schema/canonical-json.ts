/**
 * Canonical JSON for schemas: object keys sorted, no whitespace, arrays in
 * their order. Two schema files that differ only in layout or key order have
 * the same canonical text, and so the same fingerprint in the registry.
 */
import { createHash } from 'node:crypto';

/**
 * @example
 * canonicalJson({ type: 'object', properties: { b: {}, a: {} } })
 * // '{"properties":{"a":{},"b":{}},"type":"object"}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * sha256 of the canonical JSON, in hex.
 *
 * @example
 * schemaFingerprint({ a: 1, b: 2 }) === schemaFingerprint({ b: 2, a: 1 }) // true
 */
export function schemaFingerprint(schema: unknown): string {
  return createHash('sha256').update(canonicalJson(schema)).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  // No prototype: a property named "__proto__" stays a property.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
