import type { HttpOutputFormat } from '../effects.js';
import type { Json } from '../../model/json.js';
import { problem, ProblemError } from '../../model/problems.js';
import { bodyExcerpt } from './http-problems.js';

/**
 * What a call returns for each `output` format (DSL 1.0.3 "HTTP Call", "HTTP Response"): `content` is the body,
 * JSON-deserialised when the response says it is JSON; `response` wraps it with the request, status and headers;
 * `raw` is the body base64-encoded.
 */

/**
 * Request headers that carry credentials. The `response` output is recorded in history and shown in the UI, so
 * their values are replaced; the names stay, so a reader can see that they were sent.
 */
const REDACTED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
export const REDACTED = '<redacted>';

export interface ReceivedResponse {
  readonly method: string;
  /** The URI that was requested (query included), not the one redirects led to. */
  readonly uri: string;
  readonly sentHeaders: Headers;
  readonly response: Response;
  readonly body: Uint8Array;
}

export function responseOutput(format: HttpOutputFormat, received: ReceivedResponse): Json {
  switch (format) {
    case 'raw':
      return Buffer.from(received.body).toString('base64');
    case 'content':
      return decodeContent(received);
    case 'response':
      return {
        request: { method: received.method, uri: received.uri, headers: redactedHeaders(received.sentHeaders) },
        statusCode: received.response.status,
        headers: headersObject(received.response.headers),
        content: decodeContent(received),
      };
  }
}

/** The body as JSON when the content type is JSON (`application/json`, `*+json`), otherwise text; empty is null. */
export function decodeContent(received: ReceivedResponse): Json {
  if (received.body.byteLength === 0) return null;
  const contentType = received.response.headers.get('content-type') ?? '';
  const text = decodeText(received.body, contentType);
  if (!isJsonMediaType(contentType)) return text;
  try {
    return JSON.parse(text) as Json;
  } catch {
    // 502: the far side answered, but not with what it declared (RFC 9110 §15.6.3's "invalid response").
    throw new ProblemError(
      problem('communication', {
        status: 502,
        detail:
          `${received.method} ${received.uri} returned ${received.response.status} with content-type ` +
          `${contentType}, but the body is not JSON: ${bodyExcerpt(text)}`,
      }),
    );
  }
}

export function isJsonMediaType(contentType: string): boolean {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json');
}

/** Decodes with the declared charset when Node knows it, else UTF-8 (JSON's only encoding, RFC 8259 §8.1). */
export function decodeText(body: Uint8Array, contentType: string): string {
  const charset = /;\s*charset="?([^";\s]+)"?/i.exec(contentType)?.[1];
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset).decode(body);
    } catch {
      // An unknown charset label: UTF-8 is the best guess left, and the text is still useful.
    }
  }
  return new TextDecoder().decode(body);
}

/** Header names lower-cased (as fetch gives them); repeated headers joined with ", " as `Headers.get` does. */
export function headersObject(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = result[name] === undefined ? value : `${result[name]}, ${value}`;
  });
  return result;
}

export function redactedHeaders(headers: Headers): Record<string, string> {
  const result = headersObject(headers);
  for (const name of Object.keys(result)) if (REDACTED_HEADERS.has(name)) result[name] = REDACTED;
  return result;
}
