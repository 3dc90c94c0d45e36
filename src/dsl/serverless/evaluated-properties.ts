import { type JsonObject, isJsonObject } from '../../model/json.js';
import type { SchemaValidator } from './schema-validator.js';

/**
 * Which properties of an object a schema node accounts for, to tell "unexpected property" from "a property some
 * other keyword checks": what `unevaluatedProperties: false` rejects, and what a message lists as expected instead.
 */

const TASK_BASE_REF = '#/$defs/taskBase';

/**
 * The properties a node evaluates for this value (JSON Schema 2020-12 §11.3): its own `properties`, and those of
 * the subschemas applied in place that pass. When no branch of a union passes, all branches count: the union's
 * own message covers that failure, and calling their properties "unexpected" would only add noise.
 */
export function evaluatedKeys(
  v: SchemaValidator,
  location: string,
  value: JsonObject,
  isTop = true,
  depth = 0,
): Set<string> | 'all' {
  const node = v.nodeAt(location);
  const keys = new Set<string>();
  if (!isJsonObject(node) || depth > 32) return keys;
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) return 'all';
  if (!isTop && node.unevaluatedProperties !== undefined) return 'all';
  if (isJsonObject(node.properties)) for (const key of Object.keys(node.properties)) keys.add(key);
  const applied: string[] = [];
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) applied.push(node.$ref.slice(1));
  if (Array.isArray(node.allOf)) node.allOf.forEach((_, index) => applied.push(`${location}/allOf/${index}`));
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = node[keyword];
    if (!Array.isArray(branches)) continue;
    const all = branches.map((_, index) => `${location}/${keyword}/${index}`);
    const passing = all.filter((branch) => v.isValid(branch, value));
    applied.push(...(passing.length > 0 ? passing : all));
  }
  if (node.if !== undefined) {
    if (v.isValid(`${location}/if`, value)) applied.push(`${location}/if`, `${location}/then`);
    else applied.push(`${location}/else`);
  }
  for (const sub of applied) {
    const subKeys = evaluatedKeys(v, sub, value, false, depth + 1);
    if (subKeys === 'all') return 'all';
    for (const key of subKeys) keys.add(key);
  }
  return keys;
}

/** Every property name a node could accept, for "expected one of …"; the task's common fields come last. */
export function declaredKeys(v: SchemaValidator, location: string, depth = 0, out: string[] = []): string[] {
  const node = v.nodeAt(location);
  if (!isJsonObject(node) || depth > 32) return out;
  if (isJsonObject(node.properties)) for (const key of Object.keys(node.properties)) if (!out.includes(key)) out.push(key);
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) declaredKeys(v, node.$ref.slice(1), depth + 1, out);
  const later: string[] = [];
  for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
    const members = node[keyword];
    if (!Array.isArray(members)) continue;
    members.forEach((member, index) => {
      const sub = `${location}/${keyword}/${index}`;
      if (isJsonObject(member) && member.$ref === TASK_BASE_REF) later.push(sub);
      else declaredKeys(v, sub, depth + 1, out);
    });
  }
  for (const branch of ['then', 'else']) if (node[branch] !== undefined) declaredKeys(v, `${location}/${branch}`, depth + 1, out);
  for (const sub of later) declaredKeys(v, sub, depth + 1, out);
  return out;
}
