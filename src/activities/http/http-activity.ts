import type { Json } from '../../model/json.js';
import { ProblemError } from '../../model/problems.js';
import { type ActivityDefinition, defineActivity } from '../activity-definition.js';
import type { ActivityOptions } from '../activity-options.js';
import { activityOptionsOf } from '../activity-options-of.js';
import type { HttpOutputFormat, ResolvedAuthentication } from '../effects.js';
import { createHttpActivities } from './http-activities.js';

/** A fixed value, or one computed from the activity's input. */
type FromInput<TInput, T> = T | ((input: TInput) => T);

/** Besides its own options, an HTTP activity may declare `inputSchema`, `timeout`, `retry`, `heartbeatTimeout`. */
export interface HttpActivityOptions<TInput extends Json = Json> extends ActivityOptions {
  /** What workflows call: `call: <name>`. */
  readonly name: string;
  /** @default 'GET' */
  readonly method?: string;
  /**
   * An absolute `http(s)` URL, or a function of the input that returns one. Nothing is expanded inside a string: put
   * input into the URL with a function, encoding what goes into a path segment
   * (`(input) => \`https://api.example/pets/${encodeURIComponent(input.id)}\``); query values go through `query`,
   * which encodes them.
   */
  readonly url: FromInput<TInput, string>;
  readonly headers?: FromInput<TInput, Readonly<Record<string, string>>>;
  /** Appended to the URL's own query, percent-encoded. */
  readonly query?: FromInput<TInput, Readonly<Record<string, string>>>;
  /**
   * The request body from the input (JSON unless a string, form-encoded under a form `content-type`); `undefined` or
   * `null` sends none. Default: the input itself for POST, PUT and PATCH, no body for other methods.
   */
  readonly body?: (input: TInput) => Json | undefined;
  /** `content` (default: the parsed body), `response` (status, headers, content, request) or `raw` (base64 body). */
  readonly output?: HttpOutputFormat;
  /** false (default): any status outside 2xx is a `communication` problem; true: 3xx is followed and accepted too. */
  readonly redirect?: boolean;
  /** basic, bearer, digest or OAuth2/OIDC, as `call: http` applies them (OAuth2 tokens are cached per activity). */
  readonly authentication?: ResolvedAuthentication;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A built-in activity that makes one HTTP request defined in code, through the same machinery as `call: http`
 * (`performHttpCall`): the run's `idempotencyKey` goes out as `Idempotency-Key` (unless `headers` sets one), so the
 * far side can recognise a re-run after a crash; the run's signal aborts the request; a status outside 2xx is a
 * `communication` problem carrying the real status, no response at all `communication` 500, a bad URL or header
 * `configuration`. The output is what `call: http` would give for the same `output`.
 *
 * @example
 * import { createEngine, httpActivity } from 'itonami';
 * const createPet = httpActivity({
 *   name: 'create_pet',
 *   method: 'POST',
 *   url: (input: { shop: string; name: string }) => `https://pets.example/shops/${encodeURIComponent(input.shop)}/pets`,
 *   body: (input) => ({ name: input.name }),
 *   headers: { accept: 'application/json' },
 * });
 * const engine = await createEngine({ functions: { [createPet.name]: createPet } });
 * // `call: create_pet` with `{ shop: 'north', name: 'Rex' }` POSTs {"name":"Rex"} and outputs the response body
 */
export function httpActivity<TInput extends Json = Json>(options: HttpActivityOptions<TInput>): ActivityDefinition {
  const { name, url, headers = {}, query = {}, body, output = 'content', redirect = false, authentication } = options;
  const method = (options.method ?? 'GET').toUpperCase();
  if (typeof url === 'string') checkUrl(name, url);
  else if (typeof url !== 'function') throw new TypeError(`httpActivity ${name}: url must be an absolute http(s) URL or a function (input) => URL`);
  if (body !== undefined && typeof body !== 'function') throw new TypeError(`httpActivity ${name}: body must be a function (input) => body`);
  const http = createHttpActivities(options.fetch === undefined ? {} : { fetch: options.fetch });
  return defineActivity({
    ...activityOptionsOf(options),
    name,
    async run(input, ctx) {
      const typed = input as TInput; // the caller's declaration, not a check: see functionActivity
      const requestBody = body !== undefined ? body(typed) : BODY_METHODS.has(method) ? input : undefined;
      try {
        return await http.http({
          method,
          uri: resolveFromInput(url, typed),
          headers: resolveFromInput(headers, typed),
          query: resolveFromInput(query, typed),
          ...(requestBody === undefined ? {} : { body: requestBody }),
          output,
          redirect,
          ...(authentication === undefined ? {} : { authentication }),
          signal: ctx.signal,
          idempotencyKey: ctx.idempotencyKey,
        });
      } catch (error) {
        // The shared HTTP machinery does not know the task; name it, as `call: http` problems do.
        if (error instanceof ProblemError && error.problem.instance === undefined && !ctx.signal.aborted) {
          throw new ProblemError({ ...error.problem, instance: ctx.taskReference }, { cause: error });
        }
        throw error;
      }
    },
  });
}

function resolveFromInput<TInput, T>(value: FromInput<TInput, T>, input: TInput): T {
  return typeof value === 'function' ? (value as (input: TInput) => T)(input) : value;
}

/** A fixed URL is checked when the activity is defined, so a typo fails at start-up rather than in a workflow. */
function checkUrl(name: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`httpActivity ${name}: url '${url}' is not an absolute URL (expected http:// or https://)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`httpActivity ${name}: url '${url}' must use http or https, found ${parsed.protocol}`);
  }
}
