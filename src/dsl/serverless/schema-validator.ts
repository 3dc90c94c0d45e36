import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonObject } from '../../model/json.js';
import { officialSchema } from './official-schema.js';

/**
 * The official schema compiled by ajv (draft 2020-12), asked one question: is this value valid at that place of
 * the schema? `location` is a JSON pointer into the schema (`""` is the whole workflow, `/$defs/duration` one
 * definition, `/$defs/callTask/oneOf/2` one branch); every location is compiled once, on first use. Turning an
 * invalid document into messages is schema-problems.ts's job; ajv stays the judge of validity.
 */
export interface SchemaValidator {
  readonly schema: Readonly<JsonObject>;
  readonly isValid: (location: string, value: unknown) => boolean;
  readonly isValidFormat: (format: string, value: unknown) => boolean;
  /** The schema node at `location` (`undefined` when there is none). */
  readonly nodeAt: (location: string) => unknown;
}

/**
 * One validator per process: compiling the schema costs about a quarter of a second, and the compiled functions are
 * pure, so every engine shares them (the "no module-level state" rule is about mutable state).
 */
export const schemaValidator: () => SchemaValidator = (() => {
  let validator: SchemaValidator | undefined;
  return () => (validator ??= createSchemaValidator());
})();

function createSchemaValidator(): SchemaValidator {
  const schema = officialSchema();
  const id = typeof schema.$id === 'string' ? schema.$id : '';
  // strict: false because the official schema carries keywords ajv's strict mode rejects (title beside $ref, …).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormatsModule.default(ajv);
  const root = ajv.compile(schema);
  const compiled = new Map<string, ValidateFunction>([['', root]]);
  const formats = new Map<string, ValidateFunction>();
  const nodes = new Map<string, unknown>();

  const compiledAt = (location: string): ValidateFunction => {
    let validate = compiled.get(location);
    if (validate === undefined) {
      validate = ajv.getSchema(`${id}#${encodeURI(location)}`);
      if (validate === undefined) throw new Error(`no schema node at ${location} in ${id}`);
      compiled.set(location, validate);
    }
    return validate;
  };

  return {
    schema,
    isValid: (location, value) => compiledAt(location)(value) === true,
    isValidFormat: (format, value) => {
      let validate = formats.get(format);
      if (validate === undefined) {
        validate = ajv.compile({ format });
        formats.set(format, validate);
      }
      return validate(value) === true;
    },
    nodeAt: (location) => {
      if (!nodes.has(location)) nodes.set(location, resolvePointer(schema, location));
      return nodes.get(location);
    },
  };
}

function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
