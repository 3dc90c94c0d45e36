import { randomBytes } from 'node:crypto';
import type { ResolvedAuthentication } from '../effects.js';
import { parseChallenges } from './auth-challenge.js';
import { digestAuthorization, pickDigestChallenge } from './digest.js';
import type { OAuth2TokenSource } from './oauth2-tokens.js';

/**
 * Sends a request with an authentication policy applied (DSL 1.0.3 "Authentication"): basic and bearer add a header;
 * digest answers the server's 401 challenge; oauth2/oidc add a bearer token from the token source and, when a cached
 * token is refused with 401, retry once with a fresh one.
 */

export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  /** Kept as a string or bytes (never a stream) so digest and token retries can send it again. */
  readonly body?: string | Uint8Array;
}

export interface SendOptions {
  readonly signal: AbortSignal;
  /** true: fetch follows redirects; false: a 3xx comes back as the response (and the caller rejects it). */
  readonly redirect: boolean;
}

export interface Exchange {
  readonly response: Response;
  /** The headers of the request that produced `response`, credentials included (the caller redacts them). */
  readonly sentHeaders: Headers;
}

export type AuthenticatedSend = (
  request: OutgoingRequest,
  authentication: ResolvedAuthentication | undefined,
  options: SendOptions,
) => Promise<Exchange>;

export function createAuthenticatedSend(deps: { fetch: typeof fetch; tokens: OAuth2TokenSource }): AuthenticatedSend {
  const send = async (request: OutgoingRequest, headers: Headers, options: SendOptions): Promise<Exchange> => {
    const response = await deps.fetch(request.url, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: options.redirect ? 'follow' : 'manual',
      signal: options.signal,
    });
    return { response, sentHeaders: headers };
  };

  return async (request, authentication, options) => {
    const headers = new Headers(request.headers);
    if (authentication === undefined) return send(request, headers, options);
    switch (authentication.scheme) {
      case 'basic': {
        const credentials = Buffer.from(`${authentication.username}:${authentication.password}`, 'utf8');
        headers.set('authorization', `Basic ${credentials.toString('base64')}`);
        return send(request, headers, options);
      }
      case 'bearer':
        headers.set('authorization', `Bearer ${authentication.token}`);
        return send(request, headers, options);
      case 'digest': {
        // Without a cached nonce the first request goes out bare; its 401 carries the challenge to answer.
        headers.delete('authorization');
        const first = await send(request, headers, options);
        if (first.response.status !== 401) return first;
        const challenge = pickDigestChallenge(parseChallenges(first.response.headers.get('www-authenticate') ?? ''));
        if (challenge === undefined) return first;
        await discard(first.response);
        const answered = new Headers(headers);
        answered.set(
          'authorization',
          digestAuthorization({
            challenge,
            username: authentication.username,
            password: authentication.password,
            method: request.method,
            uri: `${request.url.pathname}${request.url.search}`,
            ...(request.body === undefined ? {} : { body: request.body }),
            cnonce: randomBytes(16).toString('hex'),
          }),
        );
        return send(request, answered, options);
      }
      case 'oauth2':
      case 'oidc': {
        const token = await deps.tokens.token(authentication, options.signal);
        headers.set('authorization', `Bearer ${token.value}`);
        const first = await send(request, headers, options);
        if (first.response.status !== 401 || !token.isCached) return first;
        // The issuer may have revoked it or restarted with new keys: one fresh token, then the answer stands.
        await discard(first.response);
        const fresh = await deps.tokens.token(authentication, options.signal, { fresh: true });
        const retried = new Headers(headers);
        retried.set('authorization', `Bearer ${fresh.value}`);
        return send(request, retried, options);
      }
    }
  };
}

/** Releases a response we will not read, so its connection goes back to the pool. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // The body is unwanted; a failure to cancel it changes nothing the caller can act on.
  }
}
