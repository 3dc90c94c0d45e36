/**
 * The URI of an endpoint or external resource as the DSL writes it: a string, or `{ uri, authentication? }`.
 * Undefined when neither holds a string.
 */
export function endpointUri(endpoint: unknown): string | undefined {
  const uri = typeof endpoint === 'object' && endpoint !== null ? (endpoint as { uri?: unknown }).uri : endpoint;
  return typeof uri === 'string' ? uri : undefined;
}
