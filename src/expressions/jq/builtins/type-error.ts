import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import { valueForMessage } from './json-text.js';
import { typeName } from './values.js';

/** jq's type_error (src/builtin.c): `number (1) has no length`. */
export function typeError(value: Json, message: string): JqError {
  return new JqError(`${typeName(value)} (${valueForMessage(value)}) ${message}`);
}

/** jq's type_error2: `number (1) and string ("a") cannot be added`. */
export function typeError2(a: Json, b: Json, message: string): JqError {
  return new JqError(
    `${typeName(a)} (${valueForMessage(a)}) and ${typeName(b)} (${valueForMessage(b)}) ${message}`,
  );
}
