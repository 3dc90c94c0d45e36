import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { canonicalJson } from '../model/canonical-json.js';
import type { Json } from '../model/json.js';
import type { SchemaValidator } from './ports.js';

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * Task and workflow `schema`s as JSON Schema draft 2020-12 (ajv), compiled once per distinct schema and kept on the
 * engine. Violations read `/path: message`.
 */
export function createJsonSchemaValidator(): SchemaValidator {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();
  return {
    validate(schema: Json, data: Json): string[] {
      const key = canonicalJson(schema);
      let validate = compiled.get(key);
      if (validate === undefined) {
        try {
          validate = ajv.compile(schema as object);
        } catch (error) {
          return [`the schema itself is invalid: ${error instanceof Error ? error.message : String(error)}`];
        }
        compiled.set(key, validate);
      }
      if (validate(data)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'is invalid'}`);
    },
  };
}
