import type { HttpCallRequest } from '../effects.js';
import { isJsonObject, type Json } from '../../model/json.js';
import { problem, ProblemError, toError } from '../../model/problems.js';
import type { AuthenticatedSend, Exchange, OutgoingRequest } from './authentication.js';
import { networkFailureError, unacceptedStatusError } from './http-problems.js';
import { decodeText, responseOutput } from './response-output.js';

/**
 * `call: http` (DSL 1.0.3 "HTTP Call"): one request, its response turned into the task's raw output. A status
 * outside 2xx (2xx-3xx with `redirect: true`) is a `communication` problem carrying the real status; no response at
 * all is `communication` 500; an abort rethrows the signal's reason untouched (the runtime made it a typed error).
 */
export async function performHttpCall(request: HttpCallRequest, send: AuthenticatedSend): Promise<Json> {
  request.signal.throwIfAborted();
  const outgoing = prepareRequest(request);
  const uri = outgoing.url.href;
  let exchange: Exchange;
  let body: Uint8Array;
  try {
    exchange = await send(outgoing, request.authentication, { signal: request.signal, redirect: request.redirect });
    body = new Uint8Array(await exchange.response.arrayBuffer());
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    if (error instanceof ProblemError) throw error;
    throw networkFailureError({ method: outgoing.method, uri, error });
  }
  const { response, sentHeaders } = exchange;
  const isAccepted =
    (response.status >= 200 && response.status < 300) ||
    (request.redirect && response.status >= 300 && response.status < 400);
  if (!isAccepted) {
    throw unacceptedStatusError({
      method: outgoing.method,
      uri,
      status: response.status,
      statusText: response.statusText,
      bodyText: decodeText(body, response.headers.get('content-type') ?? ''),
    });
  }
  return responseOutput(request.output, { method: outgoing.method, uri, sentHeaders, response, body });
}

const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** URI with `query` appended, headers with the idempotency key, and the body encoded. */
export function prepareRequest(request: HttpCallRequest): OutgoingRequest {
  const misconfigured = (detail: string): ProblemError => new ProblemError(problem('configuration', { detail }));
  const method = request.method.toUpperCase();
  if (!METHOD_TOKEN.test(method)) throw misconfigured(`HTTP method '${request.method}' is not a valid method token`);

  let url: URL;
  try {
    url = new URL(request.uri);
  } catch {
    throw misconfigured(`endpoint '${request.uri}' is not an absolute URI (expected http:// or https://)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw misconfigured(`endpoint '${request.uri}' must use http or https, found ${url.protocol}`);
  }
  appendQuery(url, request.query);

  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    try {
      headers.set(name, String(value));
    } catch (error) {
      throw misconfigured(`header '${name}' is not a valid HTTP header: ${toError(error).message}`);
    }
  }
  // The key is what lets the far side recognise a re-run after a crash as the same call.
  if (!headers.has('idempotency-key')) headers.set('idempotency-key', request.idempotencyKey);

  // RFC 9110 §9.3.1: a GET (or HEAD) body has no defined meaning, and fetch refuses one outright.
  const body = method === 'GET' || method === 'HEAD' ? undefined : encodeBody(request.body, headers);
  return { method, url, headers, ...(body === undefined ? {} : { body }) };
}

/**
 * Appends `query` entries to whatever query the URI already has, percent-encoded, leaving the existing part byte for
 * byte (re-serialising it through `URLSearchParams` would rewrite `%20` as `+` and re-escape what the author wrote).
 */
function appendQuery(url: URL, query: Readonly<Record<string, string>>): void {
  const pairs = Object.entries(query).map(
    ([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`,
  );
  if (pairs.length === 0) return;
  const existing = url.search.replace(/^\?/, '');
  url.search = `?${existing === '' ? '' : `${existing}&`}${pairs.join('&')}`;
}

/**
 * A string is sent as is (`text/plain` unless a content type is given); an object with a form content type is
 * form-encoded; anything else is JSON. A null body sends nothing: it is what an unset `body: ${ .x }` evaluates to.
 */
function encodeBody(body: Json | undefined, headers: Headers): string | undefined {
  if (body === undefined || body === null) return undefined;
  const contentType = headers.get('content-type');
  if (typeof body === 'string') {
    if (contentType === null) headers.set('content-type', 'text/plain;charset=utf-8');
    return body;
  }
  const isForm = contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') === true;
  if (isForm && isJsonObject(body)) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(body)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        form.append(name, typeof item === 'string' ? item : JSON.stringify(item));
      }
    }
    return form.toString();
  }
  if (contentType === null) headers.set('content-type', 'application/json');
  return JSON.stringify(body);
}
