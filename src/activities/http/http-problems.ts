import { problem, ProblemError } from '../../model/problems.js';

/** How much of an error response's body goes into a problem's detail: enough to diagnose, not a payload dump. */
const BODY_EXCERPT_CHARS = 200;

/**
 * The problem for a response whose status the call does not accept. The title stays "Communication error" for every
 * occurrence (RFC 7807 §3.1: a title SHOULD NOT change between occurrences); the real status goes in `status`, as
 * the spec's error table asks, and the status text and a body excerpt go in `detail`.
 */
export function unacceptedStatusError(options: {
  method: string;
  uri: string;
  status: number;
  statusText: string;
  bodyText: string;
}): ProblemError {
  const excerpt = bodyExcerpt(options.bodyText);
  const statusLine = `${options.status}${options.statusText === '' ? '' : ` ${options.statusText}`}`;
  return new ProblemError(
    problem('communication', {
      status: options.status,
      detail: `${options.method} ${options.uri} returned ${statusLine}${excerpt === '' ? '' : `: ${excerpt}`}`,
    }),
  );
}

/**
 * The problem for a request that got no response at all (connection refused, reset, DNS, TLS). There is no real
 * status, so it keeps the communication default, 500; the detail names the system error code when there is one.
 */
export function networkFailureError(options: { method: string; uri: string; error: unknown }): ProblemError {
  return new ProblemError(
    problem('communication', { detail: `${options.method} ${options.uri} failed: ${describeFailure(options.error)}` }),
    { cause: options.error },
  );
}

/**
 * A failure as one line: undici's fetch throws `TypeError('fetch failed')` and keeps the useful part (errno code and
 * message) in `cause`, sometimes an `AggregateError` of per-address attempts.
 */
export function describeFailure(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    if (!(current instanceof Error)) {
      parts.push(String(current));
      break;
    }
    const code = (current as Error & { code?: unknown }).code;
    const hasCode = typeof code === 'string' && !current.message.includes(code);
    const text = hasCode ? `${code} ${current.message}` : current.message;
    if (text !== '' && text !== 'fetch failed') parts.push(text);
    current = current.cause;
  }
  return parts.length === 0 ? 'fetch failed' : parts.join(': ');
}

export function bodyExcerpt(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length <= BODY_EXCERPT_CHARS ? collapsed : `${collapsed.slice(0, BODY_EXCERPT_CHARS)}…`;
}
