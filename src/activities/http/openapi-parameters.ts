import { isJsonObject, type Json } from '../../model/json.js';
import type { OperationParameter } from './openapi-operation.js';

/**
 * Parameter values as text, by location and serialisation style: OAS 3.x `style`/`explode` (§4.8.12.4, defaults
 * `simple` for path and header, `form` with explode for query and cookie) and Swagger 2.0 `collectionFormat`
 * (default `csv`). Scalars are the same everywhere; arrays and objects are where the styles differ.
 */

/** Swagger 2.0 `collectionFormat` delimiters; `multi` (repeated names) is handled where it applies, in the query. */
const COLLECTION_DELIMITERS: Readonly<Record<string, string>> = { csv: ',', ssv: ' ', tsv: '\t', pipes: '|' };

/** The encoded replacement for `{name}` in the path. */
export function pathSegment(parameter: OperationParameter, value: Json): string {
  const style = parameter.style ?? 'simple';
  const explode = parameter.explode ?? false;
  const name = encodeURIComponent(parameter.name);
  const delimiter = collectionDelimiter(parameter);
  if (Array.isArray(value)) {
    const items = value.map((item) => encodeURIComponent(scalar(item)));
    if (style === 'label') return `.${items.join(explode ? '.' : ',')}`;
    if (style === 'matrix') {
      return explode ? items.map((item) => `;${name}=${item}`).join('') : `;${name}=${items.join(',')}`;
    }
    return items.join(encodeDelimiter(delimiter));
  }
  if (isJsonObject(value)) {
    const flat = objectText(value, explode, encodeURIComponent);
    if (style === 'label') return `.${flat}`;
    if (style === 'matrix') return `;${explode ? flat.replace(/,/g, ';') : `${name}=${flat}`}`;
    return flat;
  }
  const text = encodeURIComponent(scalar(value));
  if (style === 'label') return `.${text}`;
  if (style === 'matrix') return `;${name}=${text}`;
  return text;
}

/** Encoded `name=value` pairs for the query string; arrays may repeat the name. */
export function queryPairs(parameter: OperationParameter, value: Json): string[] {
  const name = encodeURIComponent(parameter.name);
  const pair = (text: string): string => `${name}=${text}`;
  if (Array.isArray(value)) {
    const items = value.map((item) => encodeURIComponent(scalar(item)));
    if (parameter.collectionFormat !== undefined) {
      if (parameter.collectionFormat === 'multi') return items.map(pair);
      return [pair(items.join(encodeDelimiter(collectionDelimiter(parameter))))];
    }
    const style = parameter.style ?? 'form';
    if (style === 'spaceDelimited') return [pair(items.join('%20'))];
    if (style === 'pipeDelimited') return [pair(items.join('%7C'))];
    return (parameter.explode ?? style === 'form') ? items.map(pair) : [pair(items.join(','))];
  }
  if (isJsonObject(value)) {
    const style = parameter.style ?? 'form';
    const entries = Object.entries(value).map(([key, item]) => [
      encodeURIComponent(key),
      encodeURIComponent(scalar(item)),
    ]);
    if (style === 'deepObject') return entries.map(([key, item]) => `${name}%5B${key}%5D=${item}`);
    if (parameter.explode ?? style === 'form') return entries.map(([key, item]) => `${key}=${item}`);
    return [pair(entries.flat().join(','))];
  }
  return [pair(encodeURIComponent(scalar(value)))];
}

/** A header value (style `simple`): arrays comma-separated, objects `k,v` or, exploded, `k=v`. */
export function headerValue(parameter: OperationParameter, value: Json): string {
  if (Array.isArray(value)) return value.map(scalar).join(collectionDelimiter(parameter));
  if (isJsonObject(value)) return objectText(value, parameter.explode ?? false, (text) => text);
  return scalar(value);
}

/** `name=value` cookie pairs (style `form`); arrays repeat the name unless `explode: false`. */
export function cookiePairs(parameter: OperationParameter, value: Json): string[] {
  if (Array.isArray(value)) {
    const items = value.map(scalar);
    if (parameter.explode === false) return [`${parameter.name}=${items.join(',')}`];
    return items.map((item) => `${parameter.name}=${item}`);
  }
  if (isJsonObject(value)) return [`${parameter.name}=${objectText(value, false, (text) => text)}`];
  return [`${parameter.name}=${scalar(value)}`];
}

/** A scalar as text; nested structures (which the simple styles cannot express) as JSON. */
export function scalar(value: Json): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function objectText(value: { [key: string]: Json }, explode: boolean, encode: (text: string) => string): string {
  return Object.entries(value)
    .map(([key, item]) => `${encode(key)}${explode ? '=' : ','}${encode(scalar(item))}`)
    .join(',');
}

function collectionDelimiter(parameter: OperationParameter): string {
  return COLLECTION_DELIMITERS[parameter.collectionFormat ?? 'csv'] ?? ',';
}

function encodeDelimiter(delimiter: string): string {
  return delimiter === ',' ? ',' : encodeURIComponent(delimiter);
}
