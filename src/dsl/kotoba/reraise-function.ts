/**
 * Re-raising a caught error unchanged, in plain DSL 1.0.3. A saga's compensation and an exhausted retry must end
 * with the ORIGINAL error, but `raise.error.status` is a literal integer in the schema (no expression) and an error
 * object admits no extension members, so the error cannot be re-raised by one `raise`. This function, declared once
 * in `use.functions`, takes `{ error }` and raises an error with its type, title, detail and instance, choosing the
 * `raise` task of its status among the statuses Itonami's problems carry (the spec's eight types and the common
 * HTTP ones of `communication`); any other status is raised as 500. Extension members (`name`, `code`) are lost.
 */
import type { JsonObject } from '../../model/json.js';
import { expression } from './state-expressions.js';

/** The `use.functions` name of the re-raise function; reserved (no activity may be called so). */
export const RERAISE_FUNCTION = 'kotoba-reraise';

const STATUSES = [400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504] as const;
const FALLBACK_STATUS = 500;

function raised(status: number): JsonObject {
  return {
    error: {
      type: expression('.error.type'),
      status,
      title: expression('.error.title'),
      detail: expression('.error.detail'),
      instance: expression('.error.instance'),
    },
  };
}

/** The function's task: one guarded `raise` per known status, then the fallback. */
export function reraiseFunction(): JsonObject {
  return {
    do: [
      ...STATUSES.map((status) => ({ [`status-${status}`]: { if: expression(`.error.status == ${status}`), raise: raised(status) } })),
      { 'status-other': { raise: raised(FALLBACK_STATUS) } },
    ],
  };
}

/** A task (for a `catch.do`) that re-raises the caught `$error`. */
export function reraiseTask(): JsonObject {
  return { reraise: { call: RERAISE_FUNCTION, with: { error: expression('$error') } } };
}
