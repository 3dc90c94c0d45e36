import { problem, ProblemError } from '../../model/problems.js';

/**
 * Resolves an OAuth2/OIDC endpoint against the `authority`. An absolute endpoint is used as is; a relative one is
 * appended to the authority's path rather than resolved RFC 3986-style, so `http://idp/realms/app` +
 * `/protocol/openid-connect/token` keeps the realm (URL resolution would drop it, and issuers with a path are the
 * common case: Keycloak, Auth0 tenants, OIDC discovery's `<issuer>/.well-known/openid-configuration`).
 */
export function endpointUrl(authority: string, endpoint: string): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(endpoint)) return parseAbsolute(endpoint, 'token endpoint');
  const base = parseAbsolute(authority, 'authority');
  const path = `${base.pathname.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`;
  const [pathname = '', search] = path.split('?', 2);
  base.pathname = pathname;
  base.search = search === undefined ? '' : `?${search}`;
  base.hash = '';
  return base;
}

function parseAbsolute(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProblemError(
      problem('configuration', { detail: `OAuth2 ${what} '${value}' is not an absolute http(s) URI` }),
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProblemError(
      problem('configuration', { detail: `OAuth2 ${what} '${value}' must use http or https, found ${url.protocol}` }),
    );
  }
  return url;
}
