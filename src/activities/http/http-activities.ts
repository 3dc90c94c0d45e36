import type { HttpCallRequest, OpenApiCallRequest, ResourceLocation } from '../effects.js';
import type { Json } from '../../model/json.js';
import { createAuthenticatedSend } from './authentication.js';
import { performHttpCall } from './http-call.js';
import { createOAuth2TokenSource } from './oauth2-tokens.js';
import { createOidcDiscovery } from './oidc-discovery.js';
import { openApiHttpRequest } from './openapi-call.js';
import { createOpenApiDocuments } from './openapi-document.js';
import { findOperation } from './openapi-operation.js';
import { createResourceReader } from './resource-text.js';

export interface HttpActivitiesOptions {
  /**
   * The fetch implementation for every request (calls, token endpoints, OIDC discovery, documents).
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
  /**
   * Base directory for relative `file` resources (OpenAPI documents given as paths).
   * @default process.cwd()
   */
  readonly baseDir?: string;
}

export interface HttpActivities {
  /** `call: http`: resolves to the task's raw output, or rejects with a `ProblemError` (or the signal's reason). */
  http(request: HttpCallRequest): Promise<Json>;
  /** `call: openapi`: finds the operation in the (cached) document and performs it as `http` does. */
  openapi(request: OpenApiCallRequest): Promise<Json>;
  /** An external resource's text, from `http(s)://` (with its authentication), `file://` or a path. */
  fetchText(location: ResourceLocation, signal: AbortSignal): Promise<string>;
}

/**
 * The HTTP side effects. Each call returns an independent object: its OAuth2 tokens, OIDC discovery results and
 * parsed OpenAPI documents live in it, so two engines in one process share nothing.
 */
export function createHttpActivities(options: HttpActivitiesOptions = {}): HttpActivities {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const baseDir = options.baseDir ?? process.cwd();
  const discovery = createOidcDiscovery({ fetch: fetchImpl });
  const tokens = createOAuth2TokenSource({ fetch: fetchImpl, discovery });
  const send = createAuthenticatedSend({ fetch: fetchImpl, tokens });
  const readText = createResourceReader({ send, baseDir });
  const documents = createOpenApiDocuments({ readText, baseDir });
  return {
    http: (request) => performHttpCall(request, send),
    async openapi(request) {
      request.signal.throwIfAborted();
      const document = await documents.load(request.document, request.signal);
      return performHttpCall(openApiHttpRequest(findOperation(document, request.operationId), request), send);
    },
    fetchText: readText,
  };
}
