import type { OAuth2Settings, ResolvedAuthentication } from '../activities/effects.js';
import { type Json, type JsonObject, isJsonObject, jsonText } from '../model/json.js';
import { ProblemError, problem } from '../model/problems.js';
import type { TaskContext } from './task-context.js';

/**
 * Resolves an authentication policy (DSL 1.0.3 "Authentication") into what the activity applies: a `{ use: name }`
 * reference is looked up in `use.authentications`, a scheme's `{ use: secret }` loads its properties from that
 * secret, and every `${ }` field is evaluated against the task input. A missing secret is an `authorization`
 * problem (403), as the spec requires.
 */
export function resolveAuthentication(ctx: TaskContext, policy: unknown): ResolvedAuthentication | undefined {
  if (policy === undefined || policy === null) return undefined;
  if (!isJsonObject(policy)) throw configuration(ctx, 'an authentication policy must be an object');
  let declared = policy;
  if (typeof declared['use'] === 'string' && Object.keys(declared).length === 1) {
    const named = ctx.run.document.use?.authentications?.[declared['use']];
    if (named === undefined) throw configuration(ctx, `authentication '${declared['use']}' is not defined in use.authentications`);
    declared = named as unknown as JsonObject;
  }
  const [scheme, rawSettings] = Object.entries(declared)[0] ?? [];
  if (scheme === undefined || !isJsonObject(rawSettings ?? null)) throw configuration(ctx, 'an authentication policy names one scheme');
  const settings = loadSecretSettings(ctx, rawSettings as JsonObject);
  const evaluated = ctx.evaluateTemplate(settings) as JsonObject;
  const text = (name: string): string => {
    const value = evaluated[name];
    if (typeof value !== 'string') throw configuration(ctx, `${scheme} authentication needs a string '${name}'`);
    return value;
  };
  switch (scheme) {
    case 'basic':
    case 'digest':
      return { scheme, username: text('username'), password: text('password') };
    case 'bearer':
      return { scheme, token: text('token') };
    case 'oauth2':
    case 'oidc':
      return { scheme, ...oauth2Settings(evaluated, text) };
    default:
      throw configuration(ctx, `authentication scheme '${scheme}' is not supported (basic, bearer, digest, oauth2, oidc)`);
  }
}

/** `$authorization` for expressions: `{ scheme, parameter }` of the resolved policy. */
export function authorizationArgument(auth: ResolvedAuthentication | undefined): Json {
  if (auth === undefined) return null;
  switch (auth.scheme) {
    case 'basic':
      return { scheme: 'Basic', parameter: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') };
    case 'bearer':
      return { scheme: 'Bearer', parameter: auth.token };
    case 'digest':
      return { scheme: 'Digest', parameter: null };
    default:
      return { scheme: 'Bearer', parameter: null };
  }
}

function loadSecretSettings(ctx: TaskContext, settings: JsonObject): JsonObject {
  const secretName = settings['use'];
  if (typeof secretName !== 'string') return settings;
  const secret = ctx.run.secrets[secretName];
  if (secret === undefined) {
    throw new ProblemError(
      problem('authorization', { detail: `secret '${secretName}' is not available to this workflow (declare it in use.secrets and provide it)`, instance: ctx.pointer }),
    );
  }
  if (!isJsonObject(secret)) throw configuration(ctx, `secret '${secretName}' must hold an object of authentication properties`);
  return secret;
}

function oauth2Settings(settings: JsonObject, text: (name: string) => string): OAuth2Settings {
  const client = isJsonObject(settings['client'] ?? null) ? (settings['client'] as JsonObject) : undefined;
  const endpoints = isJsonObject(settings['endpoints'] ?? null) ? (settings['endpoints'] as JsonObject) : undefined;
  const request = isJsonObject(settings['request'] ?? null) ? (settings['request'] as JsonObject) : undefined;
  const strings = (value: Json | undefined): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined);
  const token = (value: Json | undefined) =>
    isJsonObject(value ?? null) ? { token: jsonText((value as JsonObject)['token']), type: jsonText((value as JsonObject)['type']) } : undefined;
  const optional = <T>(name: string, value: T | undefined) => (value === undefined ? {} : { [name]: value });
  return {
    authority: text('authority'),
    grant: text('grant'),
    ...optional('client', client === undefined ? undefined : {
      ...optional('id', client['id'] === undefined ? undefined : jsonText(client['id'])),
      ...optional('secret', client['secret'] === undefined ? undefined : jsonText(client['secret'])),
      ...optional('assertion', client['assertion'] === undefined ? undefined : jsonText(client['assertion'])),
      ...optional('authentication', client['authentication'] === undefined ? undefined : jsonText(client['authentication'])),
    }),
    ...optional('requestEncoding', request?.['encoding'] === 'json' ? 'json' : request?.['encoding'] === 'form' ? 'form' : undefined),
    ...optional('tokenEndpoint', endpoints?.['token'] === undefined ? undefined : jsonText(endpoints['token'])),
    ...optional('scopes', strings(settings['scopes'])),
    ...optional('audiences', strings(settings['audiences'])),
    ...optional('username', settings['username'] === undefined ? undefined : jsonText(settings['username'])),
    ...optional('password', settings['password'] === undefined ? undefined : jsonText(settings['password'])),
    ...optional('subject', token(settings['subject'])),
    ...optional('actor', token(settings['actor'])),
  };
}

function configuration(ctx: TaskContext, detail: string): ProblemError {
  return new ProblemError(problem('configuration', { detail, instance: ctx.pointer }));
}
