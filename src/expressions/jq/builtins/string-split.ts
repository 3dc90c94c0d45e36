import type { Json } from '../../../model/json.js';

/**
 * jq's jv_string_split (`split/1` and `string / string`): an empty input gives `[]`; an empty separator splits into
 * code points; a separator at the end leaves a trailing `""`.
 */
export function splitString(text: string, separator: string): Json[] {
  if (text.length === 0) return [];
  if (separator.length === 0) return Array.from(text);
  return text.split(separator);
}
