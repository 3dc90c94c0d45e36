import { isJsonObject, type Json, type JsonObject } from '../../model/json.js';
import { problem, ProblemError } from '../../model/problems.js';
import { dereference, type OpenApiDocument } from './openapi-document.js';

/**
 * One operation of an OpenAPI document, with Swagger 2.0 and OpenAPI 3.x differences already settled: the base URL
 * chosen, `$ref`s followed, path-level and operation-level parameters merged.
 */
export interface OpenApiOperation {
  readonly operationId: string;
  /** Upper case, as sent. */
  readonly method: string;
  /** The path template as written, e.g. `/pet/{petId}`. */
  readonly path: string;
  /** Scheme, host and base path, without a trailing slash. */
  readonly baseUrl: string;
  readonly parameters: readonly OperationParameter[];
  /** Swagger 2.0 `consumes` or the OAS3 `requestBody` media types. */
  readonly consumes: readonly string[];
  /** Swagger 2.0 `produces` or the media types of the OAS3 success responses. */
  readonly produces: readonly string[];
  /** OAS3 only; Swagger 2.0 carries its body as an `in: body` parameter. */
  readonly requestBody?: { readonly required: boolean };
}

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie' | 'body' | 'formData';

export interface OperationParameter {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  /**
   * OAS3 `style`/`explode`, or Swagger 2.0 `collectionFormat` (always set for 2.0, `csv` by default, which is how
   * the serialiser tells the two defaults apart).
   */
  readonly style?: string;
  readonly explode?: boolean;
  readonly collectionFormat?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const LOCATIONS: readonly ParameterLocation[] = ['path', 'query', 'header', 'cookie', 'body', 'formData'];

export function findOperation(document: OpenApiDocument, operationId: string): OpenApiOperation {
  const misconfigured = (detail: string): ProblemError =>
    new ProblemError(problem('configuration', { detail: `OpenAPI document ${document.url.href}: ${detail}` }));
  const paths = document.root['paths'];
  const available: string[] = [];
  if (isJsonObject(paths)) {
    for (const [path, rawItem] of Object.entries(paths)) {
      const item = dereference(document, rawItem);
      if (!isJsonObject(item)) continue;
      for (const method of METHODS) {
        const operation = item[method];
        if (!isJsonObject(operation) || typeof operation['operationId'] !== 'string') continue;
        if (operation['operationId'] !== operationId) {
          available.push(operation['operationId']);
          continue;
        }
        return {
          operationId,
          method: method.toUpperCase(),
          path,
          baseUrl: baseUrl(document, item, operation, misconfigured),
          parameters: mergeParameters(document, item['parameters'], operation['parameters'], misconfigured),
          ...mediaTypes(document, operation),
        };
      }
    }
  }
  const listed = available.length === 0 ? 'it declares no operationIds' : `available: ${available.sort().join(', ')}`;
  throw misconfigured(`no operation with operationId '${operationId}' (${listed})`);
}

/** Operation-level parameters override path-level ones with the same name and location (OAS 3.1 §4.8.9.1). */
function mergeParameters(
  document: OpenApiDocument,
  pathLevel: Json | undefined,
  operationLevel: Json | undefined,
  misconfigured: (detail: string) => ProblemError,
): OperationParameter[] {
  const merged = new Map<string, OperationParameter>();
  for (const list of [pathLevel, operationLevel]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = dereference(document, raw);
      if (!isJsonObject(parameter) || typeof parameter['name'] !== 'string') {
        throw misconfigured(`expected a parameter object with a name, found ${JSON.stringify(parameter)}`);
      }
      const location = parameter['in'];
      if (typeof location !== 'string' || !(LOCATIONS as readonly string[]).includes(location)) {
        throw misconfigured(
          `parameter '${parameter['name']}' has in: ${JSON.stringify(location)}; ` +
            `expected one of ${LOCATIONS.join(', ')}`,
        );
      }
      const parsed: OperationParameter = {
        name: parameter['name'],
        in: location as ParameterLocation,
        required: location === 'path' || parameter['required'] === true,
        ...(typeof parameter['style'] === 'string' ? { style: parameter['style'] } : {}),
        ...(typeof parameter['explode'] === 'boolean' ? { explode: parameter['explode'] } : {}),
        ...(document.version === '2.0'
          ? {
              collectionFormat:
                typeof parameter['collectionFormat'] === 'string' ? parameter['collectionFormat'] : 'csv',
            }
          : {}),
      };
      merged.set(`${parsed.in}:${parsed.name}`, parsed);
    }
  }
  return [...merged.values()];
}

function mediaTypes(
  document: OpenApiDocument,
  operation: JsonObject,
): Pick<OpenApiOperation, 'consumes' | 'produces' | 'requestBody'> {
  if (document.version === '2.0') {
    return {
      consumes: strings(operation['consumes'] ?? document.root['consumes']),
      produces: strings(operation['produces'] ?? document.root['produces']),
    };
  }
  const produces = new Set<string>();
  const responses = operation['responses'];
  if (isJsonObject(responses)) {
    for (const [status, raw] of Object.entries(responses)) {
      if (!/^(2..|default)$/i.test(status)) continue;
      const response = dereference(document, raw);
      const content = isJsonObject(response) ? response['content'] : undefined;
      if (isJsonObject(content)) for (const type of Object.keys(content)) produces.add(type);
    }
  }
  const requestBody = dereference(document, operation['requestBody']);
  if (!isJsonObject(requestBody)) return { consumes: [], produces: [...produces] };
  const content = requestBody['content'];
  return {
    consumes: isJsonObject(content) ? Object.keys(content) : [],
    produces: [...produces],
    requestBody: { required: requestBody['required'] === true },
  };
}

/**
 * Swagger 2.0: `schemes` + `host` + `basePath`, where a missing host is the document's own (spec §4.3: "If the host
 * is not included, the host serving the documentation is to be used") and the document's scheme wins when listed.
 * OAS3: the first server (operation's, then path's, then the document's; `/` when none), variables at their
 * defaults, relative URLs resolved against the document's URL.
 */
function baseUrl(
  document: OpenApiDocument,
  pathItem: JsonObject,
  operation: JsonObject,
  misconfigured: (detail: string) => ProblemError,
): string {
  const documentScheme = document.url.protocol.replace(/:$/, '');
  const isServed = documentScheme === 'http' || documentScheme === 'https';
  if (document.version === '2.0') {
    const schemes = strings(operation['schemes'] ?? document.root['schemes']);
    const fallbackScheme = isServed ? documentScheme : 'https';
    const scheme = schemes.includes(documentScheme) ? documentScheme : (schemes[0] ?? fallbackScheme);
    const declaredHost = document.root['host'];
    const host = typeof declaredHost === 'string' ? declaredHost : isServed ? document.url.host : undefined;
    if (host === undefined) {
      throw misconfigured('has no host, and a document read from a file has none to fall back on');
    }
    const basePath = typeof document.root['basePath'] === 'string' ? document.root['basePath'] : '';
    return `${scheme}://${host}${basePath}`.replace(/\/+$/, '');
  }
  const servers = [operation['servers'], pathItem['servers'], document.root['servers']].find(
    (list) => Array.isArray(list) && list.length > 0,
  ) as Json[] | undefined;
  const server = servers?.[0] ?? { url: '/' };
  if (!isJsonObject(server) || typeof server['url'] !== 'string') {
    throw misconfigured(`expected a server object with a url, found ${JSON.stringify(server)}`);
  }
  const template = server['url'];
  const variables = isJsonObject(server['variables']) ? server['variables'] : {};
  const expanded = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const fallback = isJsonObject(variables[name]) ? variables[name]['default'] : undefined;
    if (typeof fallback !== 'string' && typeof fallback !== 'number') {
      throw misconfigured(`server URL '${template}' uses {${name}} but declares no default for it`);
    }
    return String(fallback);
  });
  if (!/^[a-z][a-z0-9+.-]*:/i.test(expanded) && !isServed) {
    throw misconfigured(
      `server URL '${expanded}' is relative, and a document read from a file gives it no host; ` +
        'use an absolute server URL',
    );
  }
  return new URL(expanded, document.url).href.replace(/\/+$/, '');
}

function strings(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
