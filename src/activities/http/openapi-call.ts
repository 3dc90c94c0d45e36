import { randomBytes } from 'node:crypto';
import type { HttpCallRequest, OpenApiCallRequest } from '../effects.js';
import { isJsonObject, type Json, type JsonObject } from '../../model/json.js';
import { problem, ProblemError } from '../../model/problems.js';
import type { OpenApiOperation } from './openapi-operation.js';
import { cookiePairs, headerValue, pathSegment, queryPairs, scalar } from './openapi-parameters.js';
import { isJsonMediaType } from './response-output.js';

/**
 * `call: openapi` (DSL 1.0.3 "OpenAPI Call") turned into the HTTP request it stands for; the HTTP call then gives it
 * the same output, redirect and authentication semantics as `call: http`.
 *
 * `parameters` are matched by name against the operation's parameters, whatever their location. The request body:
 * - Swagger 2.0: the value of the `in: body` parameter, under its declared name or under `body`; `in: formData`
 *   parameters become a form (urlencoded, or multipart when that is all the operation consumes).
 * - OpenAPI 3.x: the parameter named `body`; without one, the parameters the operation does not declare are gathered
 *   into the body object (so `{ name: Rex, status: available }` can fill a pet without wrapping).
 * Otherwise an undeclared parameter is a `validation` problem (a typo would silently go missing), as is a missing
 * required one. `null` counts as not given: it is what an expression over a missing field yields.
 */
export function openApiHttpRequest(operation: OpenApiOperation, request: OpenApiCallRequest): HttpCallRequest {
  const remaining = new Map<string, Json>(
    Object.entries(request.parameters).filter(
      (entry): entry is [string, Json] => entry[1] !== null && entry[1] !== undefined,
    ),
  );
  const take = (name: string): Json | undefined => {
    const value = remaining.get(name);
    remaining.delete(name);
    return value;
  };
  const missing: string[] = [];
  let path = operation.path;
  const query: string[] = [];
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const form: JsonObject = {};
  let body: Json | undefined;

  for (const parameter of operation.parameters) {
    const value = parameter.in === 'body' ? (take(parameter.name) ?? take('body')) : take(parameter.name);
    if (value === undefined) {
      if (parameter.required) missing.push(`${parameter.name} (${parameter.in})`);
      continue;
    }
    switch (parameter.in) {
      case 'path':
        path = path.split(`{${parameter.name}}`).join(pathSegment(parameter, value));
        break;
      case 'query':
        query.push(...queryPairs(parameter, value));
        break;
      case 'header':
        headers[parameter.name] = headerValue(parameter, value);
        break;
      case 'cookie':
        cookies.push(...cookiePairs(parameter, value));
        break;
      case 'body':
        body = value;
        break;
      case 'formData':
        form[parameter.name] = value;
        break;
    }
  }
  // A template variable the document forgot to declare can still be filled from a parameter of that name.
  path = path.replace(/\{([^}]+)\}/g, (placeholder, name: string) => {
    const value = take(name);
    if (value !== undefined) return encodeURIComponent(scalar(value));
    missing.push(`${name} (path)`);
    return placeholder;
  });

  if (operation.requestBody !== undefined) {
    body = take('body');
    if (body === undefined && remaining.size > 0) {
      body = Object.fromEntries(remaining);
      remaining.clear();
    }
    if (body === undefined && operation.requestBody.required) missing.push('body (request body)');
  }
  const where = `operation '${operation.operationId}' (${operation.method} ${operation.path})`;
  if (missing.length > 0) {
    throw new ProblemError(
      problem('validation', { detail: `${where} is missing required parameter(s): ${missing.join(', ')}` }),
    );
  }
  if (remaining.size > 0) {
    const declared = operation.parameters.map((parameter) => parameter.name);
    throw new ProblemError(
      problem('validation', {
        detail:
          `${where} has no parameter(s) ${[...remaining.keys()].join(', ')}; ` +
          `declared: ${declared.length === 0 ? 'none' : declared.join(', ')}`,
      }),
    );
  }

  if (cookies.length > 0) headers['cookie'] = cookies.join('; ');
  const accept = preferredType(operation.produces);
  if (accept !== undefined && !hasHeader(headers, 'accept')) headers['accept'] = accept;
  if (Object.keys(form).length > 0) body = encodeForm(form, operation.consumes, headers);
  else if (body !== undefined) body = withContentType(body, operation.consumes, headers);

  return {
    method: operation.method,
    uri: `${operation.baseUrl}${path}${query.length === 0 ? '' : `?${query.join('&')}`}`,
    headers,
    query: {},
    ...(body === undefined ? {} : { body }),
    output: request.output,
    redirect: request.redirect,
    ...(request.authentication === undefined ? {} : { authentication: request.authentication }),
    signal: request.signal,
    idempotencyKey: request.idempotencyKey,
  };
}

/** JSON when the operation offers it, else the first concrete media type it lists. */
function preferredType(types: readonly string[]): string | undefined {
  const concrete = types.filter((type) => !type.includes('*'));
  return concrete.find(isJsonMediaType) ?? concrete[0];
}

/**
 * Sets the body's content type from what the operation consumes: JSON when it accepts JSON; a form type for an
 * object when that is what it takes; the first listed type for a string. An object it would take only as, say, XML
 * keeps the JSON default rather than being mislabelled.
 */
function withContentType(body: Json, consumes: readonly string[], headers: Record<string, string>): Json {
  if (hasHeader(headers, 'content-type')) return body;
  const concrete = consumes.filter((type) => !type.includes('*'));
  const json = concrete.find(isJsonMediaType);
  if (json !== undefined) {
    headers['content-type'] = json;
    return body;
  }
  if (isJsonObject(body)) {
    return concrete.some(isFormType) || concrete.some(isMultipartType) ? encodeForm(body, concrete, headers) : body;
  }
  if (typeof body === 'string' && concrete[0] !== undefined) headers['content-type'] = concrete[0];
  return body;
}

/** urlencoded unless the operation takes only multipart, which is then built here (text fields only). */
function encodeForm(fields: JsonObject, consumes: readonly string[], headers: Record<string, string>): Json {
  if (!consumes.some(isMultipartType) || consumes.some(isFormType)) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return fields; // the HTTP call form-encodes an object sent with this content type
  }
  const boundary = `itonami-${randomBytes(12).toString('hex')}`;
  const parts = Object.entries(fields).map(([name, value]) => {
    const isText = typeof value !== 'object' || value === null;
    const disposition = `Content-Disposition: form-data; name="${name.replace(/["\\\r\n]/g, '_')}"`;
    const type = isText ? '' : '\r\nContent-Type: application/json';
    return `--${boundary}\r\n${disposition}${type}\r\n\r\n${isText ? scalar(value) : JSON.stringify(value)}\r\n`;
  });
  headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  return `${parts.join('')}--${boundary}--\r\n`;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((candidate) => candidate.toLowerCase() === name);
}

function isFormType(type: string): boolean {
  return type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function isMultipartType(type: string): boolean {
  return type.toLowerCase().startsWith('multipart/form-data');
}
