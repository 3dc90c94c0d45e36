import type { Json } from '../model/json.js';
import type { Task } from '../model/workflow.js';
import type { ActivityOptions } from './activity-options.js';

/**
 * The side effects the runtime may ask for. The runtime never performs I/O itself: it calls these, and records
 * the answer in history before it uses it. Every effect takes an `AbortSignal` and honours it; a failure the
 * workflow can see is thrown as a `ProblemError` (communication, runtime, timeout, authentication, …).
 */
export interface Effects {
  http(request: HttpCallRequest): Promise<Json>;
  openapi(request: OpenApiCallRequest): Promise<Json>;
  runShell(request: ShellRequest): Promise<ProcessResult>;
  runScript(request: ScriptRequest): Promise<ProcessResult>;
  runContainer(request: ContainerRequest): Promise<ProcessResult>;
  /** Reads an external resource (a file path, `file://` or `http(s)://` URI) as text. */
  readResource(request: ResourceRequest): Promise<string>;
  /**
   * Resolves a catalog function `name:version@catalog` to its task definition (the catalog's
   * `functions/<name>/<version>/function.yaml`, parsed).
   */
  resolveCatalogFunction(request: CatalogFunctionRequest): Promise<Task>;
  /** Calls a function registered with the engine (`createEngine({ functions })`); undefined when none has that name. */
  callFunction(request: FunctionCallRequest): Promise<Json> | undefined;
  /**
   * The options a registered activity declares (`inputSchema`, `timeout`, `retry`, `heartbeatTimeout`), already
   * checked; undefined for a plain function. Absent in a rebuild from history, which replays an activity's attempts,
   * retries and timeouts from what they recorded and never needs them.
   */
  functionOptions?(name: string): ActivityOptions | undefined;
}

export interface FunctionCallRequest extends EffectOptions {
  readonly name: string;
  readonly input: Json;
  readonly executionId: string;
  /** The calling task's reference (JSON pointer). */
  readonly taskReference: string;
  /** 1 on the task's first run, then one more for each retry (the activity's own or an enclosing `try`'s) or jump back. */
  readonly attempt: number;
  /** Records liveness (see {@link ActivityContext.heartbeat}). */
  readonly heartbeat: (details?: Json) => void;
  /** The last heartbeat details of the previous attempt, if it sent any. */
  readonly lastHeartbeat?: Json;
}

/**
 * A function registered through the library and called from workflows as `call: <name>` with `with` as its input.
 * Its result is recorded before the workflow uses it, so a replay never calls it again; it runs at least once, and
 * `idempotencyKey` (the same on a re-run after a crash) lets it deduplicate. Throw a `ProblemError` for an error
 * the workflow may catch; `signal` aborts on cancellation and timeouts.
 */
export type RegisteredFunction = (input: Json, context: ActivityContext) => Promise<Json> | Json;

/** What a registered function (an activity's `run`) is given besides its input. */
export interface ActivityContext {
  /**
   * Aborted when the attempt must stop: the step is cancelled (a cancel, a losing `fork` branch, an enclosing
   * timeout), the activity's `timeout` passes, or its `heartbeatTimeout` passes without a heartbeat. The step does
   * not wait for a function that ignores it; pass it on to `fetch`, drivers, child processes.
   */
  readonly signal: AbortSignal;
  /**
   * Execution id + task reference + attempt: the same when a crash makes the engine run this attempt again, new on
   * each deliberate retry, so the far side can deduplicate.
   */
  readonly idempotencyKey: string;
  readonly executionId: string;
  readonly taskReference: string;
  /** 1 on the first run, 2, 3, … on retries (the activity's own `retry`, an enclosing `try`'s, a jump back). */
  readonly attempt: number;
  /**
   * Records liveness, and optionally progress (`details`, JSON): with a `heartbeatTimeout`, an attempt that goes
   * longer than it without calling this is aborted and faults with a `timeout` problem. The last details reach the
   * next attempt as `lastHeartbeat`. Non-JSON details throw a `TypeError`.
   */
  readonly heartbeat: (details?: Json) => void;
  /**
   * The last heartbeat details of the previous attempt (undefined on a first attempt, or when it sent none): a
   * retry can resume where it stopped. Recorded with the retry decision, so it survives a restart between attempts;
   * heartbeats of an attempt that a crash interrupted are lost with it.
   */
  readonly lastHeartbeat?: Json;
}

export interface EffectOptions {
  readonly signal: AbortSignal;
  /**
   * Execution id + task reference + attempt: the same on a re-run after a crash, new on a deliberate retry, so the
   * far side can deduplicate.
   */
  readonly idempotencyKey: string;
}

/**
 * An authentication policy with every expression evaluated, `use` references resolved and secret-based policies
 * loaded from their secret: what the activity applies, nothing left to look up.
 */
export type ResolvedAuthentication =
  | { readonly scheme: 'basic'; readonly username: string; readonly password: string }
  | { readonly scheme: 'bearer'; readonly token: string }
  | { readonly scheme: 'digest'; readonly username: string; readonly password: string }
  | ({ readonly scheme: 'oauth2' | 'oidc' } & OAuth2Settings);

export interface OAuth2Settings {
  /** Issuer base URI; the token endpoint is resolved against it (`endpoints.token`, default `/oauth2/token`). */
  readonly authority: string;
  readonly grant: string;
  readonly client?: {
    readonly id?: string;
    readonly secret?: string;
    readonly assertion?: string;
    /** @default 'client_secret_post' */
    readonly authentication?: string;
  };
  /** @default 'form' */
  readonly requestEncoding?: 'form' | 'json';
  readonly tokenEndpoint?: string;
  readonly scopes?: readonly string[];
  readonly audiences?: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly subject?: { readonly token: string; readonly type: string };
  readonly actor?: { readonly token: string; readonly type: string };
}

export type HttpOutputFormat = 'content' | 'response' | 'raw';

export interface HttpCallRequest extends EffectOptions {
  readonly method: string;
  /** Absolute URI, templates already expanded, query parameters from `query` not yet appended. */
  readonly uri: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** JSON-serialised unless it is a string; `undefined` sends no body. */
  readonly body?: Json;
  /** @default 'content' */
  readonly output: HttpOutputFormat;
  /** When false (the default), any status outside 2xx is an error; when true, 3xx is followed/accepted too. */
  readonly redirect: boolean;
  readonly authentication?: ResolvedAuthentication;
}

export interface OpenApiCallRequest extends EffectOptions {
  /** The OpenAPI 3.x or Swagger 2.0 document's location. */
  readonly document: ResourceLocation;
  readonly operationId: string;
  /** Values for the operation's path, query, header and body parameters, by name. */
  readonly parameters: Readonly<Record<string, Json>>;
  readonly output: HttpOutputFormat;
  readonly redirect: boolean;
  readonly authentication?: ResolvedAuthentication;
}

export interface ResourceLocation {
  /** A URI (`https://…`, `file://…`) or a path, relative paths resolved against `baseDir`. */
  readonly uri: string;
  readonly authentication?: ResolvedAuthentication;
}

export interface ResourceRequest extends Pick<EffectOptions, 'signal'> {
  readonly resource: ResourceLocation;
}

export interface CatalogFunctionRequest extends Pick<EffectOptions, 'signal'> {
  readonly name: string;
  readonly version: string;
  /** The catalog's endpoint: a folder path, `file://` or `http(s)://` root. */
  readonly catalog: ResourceLocation;
}

/** What a process run returns; the `run` task picks `stdout`, `stderr`, `code`, `all` or `none` from it. */
export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProcessRequestBase extends EffectOptions {
  readonly stdin?: string;
  readonly arguments: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
}

export interface ShellRequest extends ProcessRequestBase {
  readonly command: string;
}

export interface ScriptRequest extends ProcessRequestBase {
  /** `javascript`/`js` (a Node ES module) or `python` (python3). */
  readonly language: string;
  readonly code: string;
}

export interface ContainerRequest extends ProcessRequestBase {
  readonly image: string;
  readonly name?: string;
  readonly command?: string;
  readonly ports?: Readonly<Record<string, Json>>;
  readonly volumes?: Readonly<Record<string, Json>>;
  /** @default 'ifNotPresent' */
  readonly pullPolicy?: 'ifNotPresent' | 'always' | 'never';
  /** @default 'never' */
  readonly cleanup?: 'always' | 'never' | 'eventually';
}
