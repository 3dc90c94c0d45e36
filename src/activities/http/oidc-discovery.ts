import { isJsonObject } from '../../model/json.js';
import { endpointUrl } from './authority-url.js';

/**
 * OpenID Connect Discovery 1.0 §4: the issuer publishes its endpoints at `<issuer>/.well-known/openid-configuration`.
 * Used for `oidc` policies that name no token endpoint; the DSL's `oidc` has no `endpoints` block, so this is the
 * only way to find the token endpoint of an issuer that does not use `/oauth2/token`.
 */
export interface OidcDiscovery {
  /** The discovered token endpoint, or undefined when the issuer publishes none (the caller falls back). */
  tokenEndpoint(authority: string, signal: AbortSignal): Promise<URL | undefined>;
}

export function createOidcDiscovery(options: { fetch: typeof fetch }): OidcDiscovery {
  // Only successes are cached: an issuer that was down is asked again next time.
  const discovered = new Map<string, URL>();
  return {
    async tokenEndpoint(authority, signal) {
      const known = discovered.get(authority);
      if (known !== undefined) return known;
      const url = endpointUrl(authority, '/.well-known/openid-configuration');
      let document: unknown;
      try {
        const headers = { accept: 'application/json' };
        const response = await options.fetch(url, { headers, redirect: 'follow', signal });
        if (!response.ok) {
          await response.body?.cancel();
          return undefined;
        }
        document = await response.json();
      } catch {
        if (signal.aborted) throw signal.reason;
        // Discovery is a convenience: an unreachable or malformed document means the default endpoint is tried,
        // and that request reports the failure the user has to fix.
        return undefined;
      }
      const endpoint = isJsonObject(document) ? document['token_endpoint'] : undefined;
      if (typeof endpoint !== 'string') return undefined;
      let resolved: URL;
      try {
        resolved = new URL(endpoint, url);
      } catch {
        return undefined;
      }
      discovered.set(authority, resolved);
      return resolved;
    },
  };
}
