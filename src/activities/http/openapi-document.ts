import { parse as parseYaml } from 'yaml';
import type { ResourceLocation } from '../effects.js';
import { isJsonObject, type Json, type JsonObject } from '../../model/json.js';
import { problem, ProblemError, toError } from '../../model/problems.js';
import type { ReadResourceText } from './resource-text.js';
import { resourceUrl } from './resource-text.js';

/**
 * An OpenAPI description as `call: openapi` needs it (DSL 1.0.3 "OpenAPI Call"): Swagger 2.0 or OpenAPI 3.x, JSON
 * or YAML, from http(s) or a file, parsed once per location and kept by the activities object that loaded it.
 */
export interface OpenApiDocument {
  /** Where it was read from: Swagger 2.0 without `host` and OAS3 relative server URLs resolve against it. */
  readonly url: URL;
  readonly version: '2.0' | '3';
  readonly root: JsonObject;
}

export interface OpenApiDocuments {
  load(location: ResourceLocation, signal: AbortSignal): Promise<OpenApiDocument>;
}

export function createOpenApiDocuments(deps: { readText: ReadResourceText; baseDir: string }): OpenApiDocuments {
  // Keyed by absolute URL; only parsed documents are kept, so a failed fetch is retried by the next call.
  const loaded = new Map<string, OpenApiDocument>();
  return {
    async load(location, signal) {
      const url = resourceUrl(location.uri, deps.baseDir);
      const cached = loaded.get(url.href);
      if (cached !== undefined) return cached;
      const text = await deps.readText(location, signal);
      const document = parseOpenApiDocument(text, url);
      loaded.set(url.href, document);
      return document;
    },
  };
}

export function parseOpenApiDocument(text: string, url: URL): OpenApiDocument {
  const misconfigured = (detail: string): ProblemError =>
    new ProblemError(problem('configuration', { detail: `OpenAPI document ${url.href}: ${detail}` }));
  let root: unknown;
  try {
    // YAML 1.2 is a superset of JSON, but JSON.parse is much faster on the large JSON documents APIs publish.
    root = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    try {
      root = parseYaml(text);
    } catch {
      throw misconfigured(`is neither JSON nor YAML: ${toError(error).message}`);
    }
  }
  if (!isJsonObject(root)) throw misconfigured(`expected a JSON/YAML object, found ${describe(root)}`);
  const swagger = root['swagger'];
  const openapi = root['openapi'];
  if (swagger !== undefined) {
    // `swagger: 2.0` unquoted in YAML is the number 2.
    if (swagger !== '2.0' && swagger !== 2) {
      throw misconfigured(`expected swagger: '2.0', found swagger: ${JSON.stringify(swagger)}`);
    }
    return { url, version: '2.0', root };
  }
  if (typeof openapi === 'string' && /^3\./.test(openapi)) return { url, version: '3', root };
  throw misconfigured(
    `expected an 'openapi: 3.x' or 'swagger: 2.0' field, found ` +
      (openapi === undefined ? 'neither' : `openapi: ${JSON.stringify(openapi)}`),
  );
}

/**
 * Follows a local `$ref` (`#/parameters/x`, `#/components/parameters/x`, any JSON pointer into the document) until
 * it reaches a value. References to other files are not followed: the error says so rather than guessing.
 */
export function dereference(document: OpenApiDocument, value: Json | undefined): Json | undefined {
  let current = value;
  for (let hops = 0; isJsonObject(current) && typeof current['$ref'] === 'string'; hops += 1) {
    const ref = current['$ref'];
    const misconfigured = (detail: string): ProblemError =>
      new ProblemError(
        problem('configuration', { detail: `OpenAPI document ${document.url.href}: $ref '${ref}' ${detail}` }),
      );
    if (hops >= 32) throw misconfigured('is part of a reference cycle');
    if (!ref.startsWith('#')) {
      throw misconfigured('points into another document; only local references (#/...) are supported');
    }
    current = resolvePointer(document.root, ref.slice(1));
    if (current === undefined) throw misconfigured('does not resolve to anything in the document');
  }
  return current;
}

/** RFC 6901 JSON pointer, as used in `$ref` fragments (`~1` is `/`, `~0` is `~`, percent-escapes decoded). */
function resolvePointer(root: Json, pointer: string): Json | undefined {
  if (pointer === '') return root;
  let current: Json | undefined = root;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isJsonObject(current)) current = Object.hasOwn(current, token) ? current[token] : undefined;
    else return undefined;
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
