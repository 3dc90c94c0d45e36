/**
 * Docstrings of the CTK are tagged `"""yaml`. They are parsed as YAML 1.2 core schema, as the engine parses
 * definitions: `on:` stays a string key, `yes`/`no` stay strings, and no timestamps appear. Values must be JSON
 * (workflow data is JSON), so `.inf`, `.nan` and the like are rejected rather than compared.
 */
import { parse } from 'yaml';
import type { Json } from '../../src/model/json.js';

const YAML_MEDIA_TYPES = new Set(['yaml', 'yml', 'json']);

export function parseYamlDocString(content: string, mediaType?: string): Json {
  if (mediaType !== undefined && !YAML_MEDIA_TYPES.has(mediaType)) {
    throw new TypeError(`docstring media type "${mediaType}" is not supported; expected """yaml (or json)`);
  }
  let value: unknown;
  try {
    value = parse(content, { version: '1.2', schema: 'core', uniqueKeys: true });
  } catch (error) {
    throw new TypeError(`the docstring is not valid YAML 1.2: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return asJson(value ?? null, '');
}

function asJson(value: unknown, pointer: string): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new TypeError(`the docstring value at "${pointer || '/'}" is ${value}, which JSON cannot hold`);
  }
  if (Array.isArray(value)) return value.map((item, index) => asJson(item, `${pointer}/${index}`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const result: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) result[key] = asJson(item, `${pointer}/${key}`);
    return result;
  }
  throw new TypeError(`the docstring value at "${pointer || '/'}" is a ${typeof value}, not a JSON value`);
}
