/**
 * One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme and its auth-params, names lower-cased.
 * A header may carry several challenges, and undici joins repeated headers with ", ", so `Basic realm="a", Digest
 * realm="b", nonce="n"` is two challenges.
 */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z/]/;

/** Parses a `WWW-Authenticate` value leniently: what it cannot read it skips, since only Digest matters here. */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let current: { scheme: string; params: Record<string, string> } | undefined;
  let i = 0;
  const skipSpace = (): void => {
    while (i < header.length && /\s/.test(header[i] ?? '')) i += 1;
  };
  const readToken = (): string => {
    const start = i;
    while (i < header.length && TOKEN_CHAR.test(header[i] ?? '')) i += 1;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    i += 1; // opening quote
    let value = '';
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i += 1;
      value += header[i];
      i += 1;
    }
    i += 1; // closing quote
    return value;
  };
  while (i < header.length) {
    while (i < header.length && /[\s,]/.test(header[i] ?? '')) i += 1;
    if (i >= header.length) break;
    const token = readToken();
    if (token === '') {
      i += 1; // a stray character: skip it rather than fail on a header we only partly need
      continue;
    }
    skipSpace();
    if (header[i] !== '=') {
      current = { scheme: token, params: {} };
      challenges.push(current);
      continue;
    }
    i += 1;
    skipSpace();
    if (header[i] === '=' || header[i] === ',' || i >= header.length) {
      while (header[i] === '=') i += 1; // token68 padding (`Bearer abc==`): not a param
      continue;
    }
    const value = header[i] === '"' ? readQuoted() : readToken();
    if (current !== undefined) current.params[token.toLowerCase()] = value;
  }
  return challenges;
}
