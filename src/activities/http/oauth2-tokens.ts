import { createHash } from 'node:crypto';
import type { OAuth2Settings } from '../effects.js';
import { isJsonObject, type Json } from '../../model/json.js';
import { problem, ProblemError } from '../../model/problems.js';
import { endpointUrl } from './authority-url.js';
import { bodyExcerpt, describeFailure } from './http-problems.js';
import type { OidcDiscovery } from './oidc-discovery.js';

/**
 * OAuth2 / OIDC access tokens for `oauth2` and `oidc` authentication (DSL 1.0.3 "OAuth2 Authentication", RFC 6749
 * §4.3 and §4.4, RFC 8693 token exchange), cached per client so a loop of calls costs one token request.
 */

export type OAuth2Policy = { readonly scheme: 'oauth2' | 'oidc' } & OAuth2Settings;

export interface AccessToken {
  readonly value: string;
  /** True when it came from the cache: a 401 with such a token is worth one retry with a fresh one. */
  readonly isCached: boolean;
}

export interface OAuth2TokenSource {
  /** A valid token; `fresh` skips the cache (after the resource rejected the cached token). */
  token(policy: OAuth2Policy, signal: AbortSignal, options?: { fresh?: boolean }): Promise<AccessToken>;
}

/** Tokens are renewed this long before the issuer says they expire, so one does not lapse in flight. */
const EXPIRY_SKEW_MS = 10_000;
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface CachedToken {
  readonly value: string;
  /** Epoch ms; `Infinity` when the issuer gave no `expires_in` (then only a 401 retires it). */
  readonly expiresAt: number;
  readonly refreshToken?: string;
}

export function createOAuth2TokenSource(options: {
  fetch: typeof fetch;
  discovery: OidcDiscovery;
  now?: () => number;
}): OAuth2TokenSource {
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedToken>();

  async function request(policy: OAuth2Policy, grantFields: Record<string, string>, signal: AbortSignal) {
    const endpoint = await tokenEndpoint(policy, options.discovery, signal);
    const fields: Record<string, string | readonly string[]> = { ...grantFields };
    if (policy.scopes !== undefined && policy.scopes.length > 0) fields['scope'] = policy.scopes.join(' ');
    if (policy.audiences !== undefined && policy.audiences.length > 0) fields['audience'] = policy.audiences;
    const headers = new Headers({ accept: 'application/json' });
    addClientAuthentication(policy, fields, headers);
    let body: string;
    if ((policy.requestEncoding ?? 'form') === 'json') {
      headers.set('content-type', 'application/json');
      const json: Record<string, Json> = {};
      for (const [key, value] of Object.entries(fields)) {
        json[key] = typeof value === 'string' ? value : value.length === 1 ? (value[0] ?? '') : [...value];
      }
      body = JSON.stringify(json);
    } else {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(fields)) {
        for (const item of typeof value === 'string' ? [value] : value) form.append(key, item);
      }
      body = form.toString();
    }

    const fail = (reason: string, cause?: unknown): ProblemError =>
      new ProblemError(
        problem('authentication', { detail: `OAuth2 token request to ${endpoint.href} failed: ${reason}` }),
        cause === undefined ? undefined : { cause },
      );
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(endpoint, { method: 'POST', headers, body, redirect: 'follow', signal });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw fail(describeFailure(error), error);
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const reason = (isJsonObject(parsed) ? oauthError(parsed) : undefined) ?? bodyExcerpt(text);
      throw fail(`${response.status} ${response.statusText}${reason === '' ? '' : `: ${reason}`}`);
    }
    if (!isJsonObject(parsed) || typeof parsed['access_token'] !== 'string' || parsed['access_token'] === '') {
      throw fail(`expected a JSON object with a string access_token, found ${bodyExcerpt(text) || 'an empty body'}`);
    }
    const expiresIn = Number(parsed['expires_in']);
    const refreshToken = parsed['refresh_token'];
    const token: CachedToken = {
      value: parsed['access_token'],
      expiresAt: Number.isFinite(expiresIn) ? now() + expiresIn * 1000 - EXPIRY_SKEW_MS : Infinity,
      ...(typeof refreshToken === 'string' && refreshToken !== '' ? { refreshToken } : {}),
    };
    return token;
  }

  return {
    async token(policy, signal, tokenOptions = {}) {
      const key = cacheKey(policy);
      const cached = cache.get(key);
      if (cached !== undefined && tokenOptions.fresh !== true && cached.expiresAt > now()) {
        return { value: cached.value, isCached: true };
      }
      let token: CachedToken | undefined;
      if (cached?.refreshToken !== undefined) {
        try {
          token = await request(policy, { grant_type: 'refresh_token', refresh_token: cached.refreshToken }, signal);
        } catch (error) {
          // A refused refresh token (revoked, expired) is routine: fall back to the policy's own grant.
          if (!(error instanceof ProblemError)) throw error;
        }
      }
      token ??= await request(policy, grantFields(policy), signal);
      cache.set(key, token);
      return { value: token.value, isCached: false };
    },
  };
}

async function tokenEndpoint(policy: OAuth2Policy, discovery: OidcDiscovery, signal: AbortSignal): Promise<URL> {
  if (policy.tokenEndpoint !== undefined) return endpointUrl(policy.authority, policy.tokenEndpoint);
  if (policy.scheme === 'oidc') {
    const discovered = await discovery.tokenEndpoint(policy.authority, signal);
    if (discovered !== undefined) return discovered;
  }
  return endpointUrl(policy.authority, '/oauth2/token');
}

/** The grant's own fields; each error names what the DSL document must add. */
function grantFields(policy: OAuth2Policy): Record<string, string> {
  const misconfigured = (detail: string): ProblemError => new ProblemError(problem('configuration', { detail }));
  switch (policy.grant) {
    case 'client_credentials':
      return { grant_type: 'client_credentials' };
    case 'password':
      if (policy.username === undefined || policy.password === undefined) {
        throw misconfigured('OAuth2 grant password needs both username and password');
      }
      return { grant_type: 'password', username: policy.username, password: policy.password };
    case TOKEN_EXCHANGE: {
      if (policy.subject === undefined) {
        throw misconfigured(`OAuth2 grant ${TOKEN_EXCHANGE} needs subject.token and subject.type`);
      }
      const fields: Record<string, string> = {
        grant_type: TOKEN_EXCHANGE,
        subject_token: policy.subject.token,
        subject_token_type: policy.subject.type,
      };
      if (policy.actor !== undefined) {
        fields['actor_token'] = policy.actor.token;
        fields['actor_token_type'] = policy.actor.type;
      }
      return fields;
    }
    case 'authorization_code':
      throw misconfigured(
        'OAuth2 grant authorization_code needs a user at a browser, so a workflow cannot obtain the code; ' +
          'use client_credentials, password or token exchange',
      );
    case 'refresh_token':
      throw misconfigured(
        'OAuth2 grant refresh_token needs a refresh token, which the DSL has no field for; ' +
          'use the grant that issues it (refresh tokens it returns are used automatically)',
      );
    default:
      return { grant_type: policy.grant };
  }
}

/** Client authentication (RFC 6749 §2.3, OIDC Core §9), into the form fields or the Authorization header. */
function addClientAuthentication(
  policy: OAuth2Policy,
  fields: Record<string, string | readonly string[]>,
  headers: Headers,
): void {
  const client = policy.client;
  if (client === undefined) return;
  const method = client.authentication ?? 'client_secret_post';
  switch (method) {
    case 'client_secret_post':
      if (client.id !== undefined) fields['client_id'] = client.id;
      if (client.secret !== undefined) fields['client_secret'] = client.secret;
      return;
    case 'client_secret_basic': {
      // RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded.
      const encode = (value: string): string => new URLSearchParams([['', value]]).toString().slice(1);
      const credentials = `${encode(client.id ?? '')}:${encode(client.secret ?? '')}`;
      headers.set('authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);
      return;
    }
    case 'none':
      if (client.id !== undefined) fields['client_id'] = client.id;
      return;
    case 'client_secret_jwt':
    case 'private_key_jwt':
      if (client.assertion === undefined) {
        throw new ProblemError(
          problem('configuration', {
            detail:
              `OAuth2 client authentication ${method} needs client.assertion (a signed JWT); ` +
              'this runtime does not sign one',
          }),
        );
      }
      if (client.id !== undefined) fields['client_id'] = client.id;
      fields['client_assertion_type'] = JWT_BEARER_ASSERTION;
      fields['client_assertion'] = client.assertion;
      return;
    default:
      throw new ProblemError(
        problem('configuration', {
          detail:
            `unknown OAuth2 client authentication '${method}': expected client_secret_post, ` +
            'client_secret_basic, client_secret_jwt, private_key_jwt or none',
        }),
      );
  }
}

/**
 * Who the token is for. Secrets go in only as a digest, so a rotated secret or password gets a new token instead of
 * one cached under the old credentials.
 */
function cacheKey(policy: OAuth2Policy): string {
  const secrets = createHash('sha256')
    .update(
      JSON.stringify([policy.client?.secret, policy.client?.assertion, policy.password, policy.subject, policy.actor]),
    )
    .digest('hex');
  return JSON.stringify([
    policy.scheme,
    policy.authority,
    policy.tokenEndpoint ?? null,
    policy.grant,
    policy.client?.id ?? null,
    policy.client?.authentication ?? null,
    policy.requestEncoding ?? null,
    policy.username ?? null,
    [...(policy.scopes ?? [])].sort(),
    [...(policy.audiences ?? [])].sort(),
    secrets,
  ]);
}

/** An RFC 6749 §5.2 error response as one phrase, `invalid_client (unknown client)`; undefined if it is not one. */
function oauthError(response: { [key: string]: Json }): string | undefined {
  const error = response['error'];
  const description = response['error_description'];
  if (typeof error !== 'string') return undefined;
  return `${error}${typeof description === 'string' ? ` (${description})` : ''}`;
}
