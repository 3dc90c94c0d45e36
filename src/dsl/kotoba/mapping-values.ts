/**
 * What an `input_mapping` value (or an event-filter string) means: `$.a.b` reads that path of the workflow state,
 * `$` the whole state; any other string is itself (the seed's examples write `priority: "high"`).
 */
export type MappingValue =
  | { readonly kind: 'path'; readonly segments: readonly string[] }
  | { readonly kind: 'literal'; readonly value: string }
  /** Starts like a path but is not one (`$.`, `$.a..b`): rejected at load, so a typo is never a literal. */
  | { readonly kind: 'invalid'; readonly reason: string };

export function mappingValue(text: string): MappingValue {
  if (text === '$') return { kind: 'path', segments: [] };
  // Only `$.` starts a path, so literals such as '$5 off' stay literals.
  if (!text.startsWith('$.')) return { kind: 'literal', value: text };
  const segments = text.slice(2).split('.');
  if (segments.some((segment) => segment.trim() === '')) {
    return { kind: 'invalid', reason: "a state path has a name between each '.' (e.g. $.inputs.orderId)" };
  }
  return { kind: 'path', segments };
}
