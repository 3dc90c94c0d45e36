import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { problem, ProblemError } from '../../model/problems.js';
import { taskKindOf, taskKinds, type Task } from '../../model/workflow.js';
import type { CatalogFunctionRequest, ResourceLocation, ResourceRequest } from '../effects.js';
import { catalogFunctionLocation } from './catalog-function-location.js';

export interface ResourceReaderOptions {
  /** Folder that relative paths (and relative catalog endpoints) are resolved against. @default process.cwd() */
  readonly baseDir?: string;
  /**
   * Reads an `http(s)` resource as text, applying `location.authentication`. A missing document should reject with
   * a `ProblemError` whose `status` is 404: a catalog lookup turns that into a `configuration` problem.
   */
  readonly fetchText: (location: ResourceLocation, signal: AbortSignal) => Promise<string>;
}

export interface ResourceReader {
  readResource(request: ResourceRequest): Promise<string>;
  resolveCatalogFunction(request: CatalogFunctionRequest): Promise<Task>;
}

/**
 * External resources (DSL 1.0.3 "External Resources", "Catalogs"): a path or `file://` URI is read from disk, an
 * `http(s)` URI through the injected `fetchText`; any other scheme is a `configuration` problem.
 */
export function createResourceReader(options: ResourceReaderOptions): ResourceReader {
  const baseDir = (): string => resolve(options.baseDir ?? process.cwd());

  const read = async (location: ResourceLocation, signal: AbortSignal): Promise<string> => {
    signal.throwIfAborted();
    const target = classify(location.uri, baseDir());
    if (target.kind === 'http') return options.fetchText(location, signal);
    try {
      return await readFile(target.path, { encoding: 'utf8', signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw fileProblem(error, target.path, location.uri);
    }
  };

  return {
    readResource: (request) => read(request.resource, request.signal),

    resolveCatalogFunction: async ({ name, version, catalog, signal }) => {
      const uri = catalogFunctionLocation(catalog.uri, name, version);
      const target = classify(uri, baseDir());
      const tried = target.kind === 'file' ? target.path : uri;
      const label = `function '${name}:${version}' of catalog '${catalog.uri}'`;
      let text: string;
      try {
        text = await read({ uri, authentication: catalog.authentication }, signal);
      } catch (error) {
        if (isMissing(error)) {
          throw new ProblemError(problem('configuration', { detail: `${label} was not found: tried ${tried}` }), {
            cause: error,
          });
        }
        throw error;
      }
      return parseTask(text, `${label} (${tried})`);
    },
  };
}

type Target = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'http' };

// Two letters at least, so a Windows drive (`C:\…`) reads as a path.
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

function classify(uri: string, baseDir: string): Target {
  if (uri.trim() === '') throw configuration('the resource URI is empty');
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'file', path: resolve(baseDir, uri) };
  if (scheme === 'http' || scheme === 'https') return { kind: 'http' };
  if (scheme === 'file') {
    try {
      return { kind: 'file', path: fileURLToPath(uri) };
    } catch (error) {
      throw new ProblemError(
        problem('configuration', { detail: `'${uri}' is not a valid local file URI: ${(error as Error).message}` }),
        { cause: error },
      );
    }
  }
  throw configuration(
    `unsupported URI scheme '${scheme}:' in '${uri}': expected a file path, file://, http:// or https://`,
  );
}

/** A file that is not there is the definition's fault (`configuration`); any other I/O failure is `runtime`. */
function fileProblem(error: unknown, path: string, uri: string): ProblemError {
  const code = (error as NodeJS.ErrnoException).code;
  const source = path === uri ? path : `${path} (from '${uri}')`;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ProblemError(problem('configuration', { detail: `resource not found: ${source}` }), { cause: error });
  }
  if (code === 'EISDIR') {
    return new ProblemError(problem('configuration', { detail: `resource is a directory, not a file: ${source}` }), {
      cause: error,
    });
  }
  return new ProblemError(
    problem('runtime', { detail: `could not read resource ${source}: ${code ?? (error as Error).message}` }),
    { cause: error },
  );
}

/** A 404 from `fetchText`, or a file problem caused by ENOENT/ENOTDIR (see `fileProblem`). */
function isMissing(error: unknown): boolean {
  if (!(error instanceof ProblemError)) return false;
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return error.problem.status === 404 || code === 'ENOENT' || code === 'ENOTDIR';
}

function parseTask(text: string, label: string): Task {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0];
    throw new ProblemError(problem('configuration', { detail: `${label} is not valid YAML or JSON: ${firstLine}` }), {
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw configuration(`${label} must be a task (a mapping); found ${found}`);
  }
  if (taskKindOf(value) === undefined) {
    throw configuration(`${label} does not define a task: expected one of ${taskKinds.join(', ')} at its top level`);
  }
  return value as Task;
}

function configuration(detail: string): ProblemError {
  return new ProblemError(problem('configuration', { detail }));
}
