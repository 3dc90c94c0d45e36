import { createHash } from 'node:crypto';
import type { AuthChallenge } from './auth-challenge.js';

/**
 * HTTP Digest access authentication (RFC 7616), client side. The server's 401 names the algorithm, realm, nonce and
 * the qop values it accepts; the client answers with a keyed hash of the credentials, the method and the
 * request-target, so the password never crosses the wire.
 */

/** Supported algorithms, strongest first, with their `node:crypto` names. */
const ALGORITHMS: readonly (readonly [name: string, hash: string])[] = [
  ['SHA-512-256', 'sha512-256'],
  ['SHA-256', 'sha256'],
  ['MD5', 'md5'],
];

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  /** As the server spelled it, `-sess` suffix included; RFC 7616 §3.3 makes MD5 the default. */
  readonly algorithm: string;
  /** The qop the answer uses, or undefined for an RFC 2069 server that offers none. */
  readonly qop?: 'auth' | 'auth-int';
  readonly userhash: boolean;
}

/**
 * The strongest Digest challenge this client can answer, or undefined when there is none (no Digest challenge, an
 * unknown algorithm, or only unknown qop values). A server may offer one challenge per algorithm (RFC 7616 §3.7).
 */
export function pickDigestChallenge(challenges: readonly AuthChallenge[]): DigestChallenge | undefined {
  let best: { challenge: DigestChallenge; rank: number } | undefined;
  for (const challenge of challenges) {
    if (challenge.scheme.toLowerCase() !== 'digest') continue;
    const { realm, nonce } = challenge.params;
    if (realm === undefined || nonce === undefined) continue;
    const algorithm = challenge.params['algorithm'] ?? 'MD5';
    const rank = ALGORITHMS.findIndex(([name]) => baseAlgorithm(algorithm) === name);
    if (rank < 0) continue;
    const offered = challenge.params['qop'];
    let qop: DigestChallenge['qop'];
    if (offered !== undefined) {
      const options = offered.split(',').map((option) => option.trim().toLowerCase());
      if (options.includes('auth')) qop = 'auth';
      else if (options.includes('auth-int')) qop = 'auth-int';
      else continue;
    }
    const parsed: DigestChallenge = {
      realm,
      nonce,
      algorithm,
      userhash: challenge.params['userhash']?.toLowerCase() === 'true',
      ...(challenge.params['opaque'] === undefined ? {} : { opaque: challenge.params['opaque'] }),
      ...(qop === undefined ? {} : { qop }),
    };
    if (best === undefined || rank < best.rank) best = { challenge: parsed, rank };
  }
  return best?.challenge;
}

export interface DigestAnswerOptions {
  readonly challenge: DigestChallenge;
  readonly username: string;
  readonly password: string;
  readonly method: string;
  /** The request-target as sent: path and query, e.g. `/dir/index.html?x=1`. */
  readonly uri: string;
  /** Only hashed when the qop is `auth-int`. */
  readonly body?: string | Uint8Array;
  /** Client nonce; random per answer in production, fixed in tests against RFC 7616's worked example. */
  readonly cnonce: string;
  /** @default 1 (a fresh nonce is answered once: this client keeps no nonce state between calls) */
  readonly nonceCount?: number;
}

/** The `Authorization` header value answering a Digest challenge (RFC 7616 §3.4). */
export function digestAuthorization(options: DigestAnswerOptions): string {
  const { challenge, cnonce } = options;
  const hashName = ALGORITHMS.find(([name]) => name === baseAlgorithm(challenge.algorithm))?.[1];
  if (hashName === undefined) throw new Error(`unsupported digest algorithm ${challenge.algorithm}`);
  const h = (data: string | Uint8Array): string => createHash(hashName).update(data).digest('hex');
  const nc = (options.nonceCount ?? 1).toString(16).padStart(8, '0');
  const isSession = challenge.algorithm.toLowerCase().endsWith('-sess');

  let ha1 = h(`${options.username}:${challenge.realm}:${options.password}`);
  if (isSession) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const a2 =
    challenge.qop === 'auth-int'
      ? `${options.method}:${options.uri}:${h(options.body ?? '')}`
      : `${options.method}:${options.uri}`;
  const response =
    challenge.qop === undefined
      ? h(`${ha1}:${challenge.nonce}:${h(a2)}`)
      : h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${challenge.qop}:${h(a2)}`);

  const username = challenge.userhash ? h(`${options.username}:${challenge.realm}`) : options.username;
  const fields: string[] = [
    `username=${quote(username)}`,
    `realm=${quote(challenge.realm)}`,
    `uri=${quote(options.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `nonce=${quote(challenge.nonce)}`,
  ];
  if (challenge.qop !== undefined) fields.push(`nc=${nc}`, `cnonce=${quote(cnonce)}`, `qop=${challenge.qop}`);
  fields.push(`response=${quote(response)}`);
  if (challenge.opaque !== undefined) fields.push(`opaque=${quote(challenge.opaque)}`);
  if (challenge.userhash) fields.push('userhash=true');
  return `Digest ${fields.join(', ')}`;
}

function baseAlgorithm(algorithm: string): string {
  return algorithm.toUpperCase().replace(/-SESS$/, '');
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
