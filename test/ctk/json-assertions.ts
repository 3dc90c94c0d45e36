/**
 * Comparisons of engine values against the YAML a feature expects. Engine values are first made plain JSON (what
 * the engine would print): `undefined` members vanish and prototypes stop mattering, so only data is compared.
 * Messages show both values as JSON, because the feature author reads YAML, not a structural diff of classes.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { isJsonObject, type Json } from '../../src/model/json.js';
import { canonicalProblemType } from '../../src/model/problems.js';

/** The JSON form of an engine value; `undefined` stays `undefined` (absent output or error). */
export function plainJson(value: unknown): Json | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Json);
}

export function jsonText(value: unknown): string {
  return value === undefined ? 'nothing (undefined)' : JSON.stringify(value);
}

export function assertJsonEqual(actual: unknown, expected: Json, what: string): void {
  const found = plainJson(actual);
  if (!isDeepStrictEqual(found, expected)) assert.fail(`${what}: expected ${jsonText(expected)}, found ${jsonText(found)}`);
}

/**
 * An error matches when it equals the expected object as a whole, as Synapse compares it: every listed field
 * (type, status, title, instance…) is equal and the error has no other field, so an unexpected `detail` fails.
 * The one leniency: `type` is compared in canonical form, so the legacy `…/dsl/errors/types/X` URIs the CTK uses
 * equal the spec's `…/spec/1.0.0/errors/X`.
 */
export function assertProblemEqual(actual: unknown, expected: Json, what: string): void {
  const found = plainJson(actual);
  if (!isDeepStrictEqual(canonicalType(found), canonicalType(expected))) {
    assert.fail(`${what}: expected exactly ${jsonText(expected)} (no other fields), found ${jsonText(found)}`);
  }
}

function canonicalType(value: Json | undefined): Json | undefined {
  return isJsonObject(value) && typeof value.type === 'string' ? { ...value, type: canonicalProblemType(value.type) } : value;
}
