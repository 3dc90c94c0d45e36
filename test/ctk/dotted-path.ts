/**
 * The CTK's property paths: `'content.id'` means `output.content.id`. A dot is one level of nesting, as Synapse turns
 * `a.b` into the JSON Pointer `/a/b`; so, as in a pointer, a segment of digits indexes an array (`ids.0`).
 */
import type { Json } from '../../src/model/json.js';

export type PathLookup =
  | { readonly found: true; readonly value: Json }
  | { readonly found: false; /** the longest prefix that exists, '' when even the first segment is missing */ readonly existingPrefix: string };

/** Looks `dottedPath` up in `root`; a key present with the value `null` counts as found. */
export function lookUpDottedPath(root: Json | undefined, dottedPath: string): PathLookup {
  const segments = dottedPath.split('.');
  let current: Json | undefined = root;
  for (const [index, segment] of segments.entries()) {
    const next = child(current, segment);
    if (next === undefined) return { found: false, existingPrefix: segments.slice(0, index).join('.') };
    current = next;
  }
  return current === undefined ? { found: false, existingPrefix: '' } : { found: true, value: current };
}

function child(value: Json | undefined, segment: string): Json | undefined {
  if (Array.isArray(value)) return /^(0|[1-9]\d*)$/.test(segment) ? value[Number(segment)] : undefined;
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, segment)) return value[segment];
  return undefined;
}
