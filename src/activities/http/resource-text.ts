import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResourceLocation } from '../effects.js';
import { problem, ProblemError } from '../../model/problems.js';
import type { AuthenticatedSend } from './authentication.js';
import { networkFailureError, unacceptedStatusError } from './http-problems.js';
import { decodeText } from './response-output.js';

/**
 * External resources (DSL 1.0.3 "External Resource"): `http(s)://` fetched with the resource's own authentication,
 * `file://` and plain paths read from disk, relative paths against `baseDir`.
 */

export type ReadResourceText = (location: ResourceLocation, signal: AbortSignal) => Promise<string>;

/** The absolute URL a location names; relative paths resolve against `baseDir`. */
export function resourceUrl(uri: string, baseDir: string): URL {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) return pathToFileURL(resolvePath(baseDir, uri));
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ProblemError(problem('configuration', { detail: `resource URI '${uri}' is not a valid URI` }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') {
    throw new ProblemError(
      problem('configuration', { detail: `resource URI '${uri}' must use http, https or file, found ${url.protocol}` }),
    );
  }
  return url;
}

/** File errors as the statuses a `try` can branch on, as an HTTP server would answer: missing 404, forbidden 403. */
const FILE_ERROR_STATUS: Readonly<Record<string, number>> = { ENOENT: 404, ENOTDIR: 404, EACCES: 403, EPERM: 403 };

export function createResourceReader(deps: { send: AuthenticatedSend; baseDir: string }): ReadResourceText {
  return async (location, signal) => {
    signal.throwIfAborted();
    const url = resourceUrl(location.uri, deps.baseDir);
    if (url.protocol === 'file:') {
      const path = fileURLToPath(url);
      try {
        return await readFile(path, { encoding: 'utf8', signal });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const code = (error as { code?: unknown }).code;
        throw new ProblemError(
          problem('communication', {
            status: (typeof code === 'string' ? FILE_ERROR_STATUS[code] : undefined) ?? 500,
            detail: `cannot read resource ${path}: ${typeof code === 'string' ? code : String(error)}`,
          }),
          { cause: error },
        );
      }
    }
    const headers = new Headers({ accept: 'application/json, application/yaml, text/yaml, text/plain, */*;q=0.5' });
    let text: string;
    let response: Response;
    try {
      const options = { signal, redirect: true };
      ({ response } = await deps.send({ method: 'GET', url, headers }, location.authentication, options));
      text = decodeText(new Uint8Array(await response.arrayBuffer()), response.headers.get('content-type') ?? '');
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof ProblemError) throw error;
      throw networkFailureError({ method: 'GET', uri: url.href, error });
    }
    if (!response.ok) {
      throw unacceptedStatusError({
        method: 'GET',
        uri: url.href,
        status: response.status,
        statusText: response.statusText,
        bodyText: text,
      });
    }
    return text;
  };
}
