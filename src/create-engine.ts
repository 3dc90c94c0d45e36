import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { hostname } from 'node:os';
import type { Effects } from './activities/effects.js';
import { type FunctionRegistration, createFunctionRegistry } from './activities/function-registry.js';
import { CURRENT_REPLAY_FLAGS } from './history/replay-flags.js';
import { createHttpActivities } from './activities/http/http-activities.js';
import { createProcessActivities } from './activities/process/process-activities.js';
import { createResourceReader } from './activities/resources/resource-reader.js';
import { isWorkflowIrValue, loadKotobaDefinitionFile, loadSerdeDefinition } from './dsl/kotoba/load-kotoba-definition.js';
import { type LoadDefinitionResult, loadDefinition } from './dsl/serverless/load-definition.js';
import { EventBus } from './events/event-bus.js';
import { createCompiledJqEngine } from './expressions/jq/compiled-jq-engine.js';
import { createExpressions } from './expressions/runtime-expressions.js';
import type { AnyHistoryEvent } from './history/events.js';
import type { ExecutionState } from './history/execution-state.js';
import type { CloudEvent, CloudEventInput } from './model/cloud-event.js';
import { cloudEventProblems } from './model/cloud-event.js';
import { DefinitionInvalidError } from './model/definition-problems.js';
import { isoInstant } from './model/instant.js';
import type { Json } from './model/json.js';
import type { Definition } from './model/workflow.js';
import { createJsonSchemaValidator } from './runtime/json-schema-validator.js';
import type { Clock, Random } from './runtime/ports.js';
import type { Problem } from './model/problems.js';
import type { EngineEventMap } from './scheduler/engine-events.js';
import {
  type ExecutionHandle,
  ExecutionEngine,
  type SecretProvider,
  type StartOptions,
  type WorkOptions,
} from './scheduler/execution-engine.js';
import type { ExecutionResult } from './scheduler/execution-results.js';
import type { VerifyReport } from './scheduler/history-checks.js';
import { systemClock, systemRandom } from './scheduler/system-clock.js';
import type { ExecutionFilter, ExecutionRecord, Store } from './store/store.js';
import { type StoreDescriptor, openEngineStore } from './engine-store.js';

export interface EngineOptions {
  /**
   * Where histories live: `{ kind: 'memory' }`, `{ kind: 'sqlite', path, synchronous?, … }` (the options of
   * `openSqliteStore`), or a Store object. A descriptor is opened by `createEngine`; `engine.close()` closes the
   * store either way. A bad descriptor throws a `TypeError` naming the field (`store.kind`, `store.path`, …).
   * @default an in-memory store (nothing survives the process)
   */
  readonly store?: Store | StoreDescriptor;
  /** Secret values by name (or a lookup). Histories keep secret names only, never values. */
  readonly secrets?: Readonly<Record<string, Json>> | SecretProvider;
  /** The `fetch` used by `call: http`/`openapi` and remote resources. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Base folder for relative resource paths (scripts, schemas, OpenAPI documents, catalogs). @default process.cwd() */
  readonly baseDir?: string;
  /** Docker or podman binary for `run.container`. @default the first of docker, podman on PATH */
  readonly containerRuntime?: string;
  /** @default the system clock */
  readonly clock?: Clock;
  /** @default time-ordered (v7) uuids and Math.random */
  readonly random?: Random;
  /** This process's name in claims. @default `<hostname>:<pid>:<random>` */
  readonly owner?: string;
  /** How long a claim lasts unless renewed; a crashed process's executions are taken over after it. @default 30_000 */
  readonly leaseMs?: number;
  /**
   * A run whose every strand waits on a timer due at least this far ahead leaves memory and resumes by replay when
   * due. `Infinity` keeps runs in memory. @default 2_000
   */
  readonly parkAfterMs?: number;
  /** Keep a snapshot of the folded state every this many events, so reading a version folds only a tail. @default 500 */
  readonly snapshotEvery?: number;
  /**
   * Functions workflows may call by name (`call: <name>`, `with` as the input), run in this process. Each call is a
   * recorded side effect: a replay never repeats it, and its idempotency key survives a crash. A value may be an
   * activity definition (`defineActivity`), registered under its own name: its `inputSchema`, `timeout`, `retry`
   * and `heartbeatTimeout` apply to every call. A bad definition makes `createEngine` throw a `TypeError`.
   */
  readonly functions?: Readonly<Record<string, FunctionRegistration>>;
}

/**
 * The error of a workflow: the RFC 7807 problem a faulted execution ends with (`ExecutionResult`
 * `{ status: 'faulted', error }`), recorded in its history. Thrown, it travels as a `ProblemError` whose `problem`
 * is this object. `type` is one of the spec's URIs (`problemTypes`) or the workflow's own.
 *
 * @example
 * const result = await engine.waitForCompletion(id);
 * if (result.status === 'faulted') report(result.error satisfies WorkflowError);
 */
export type WorkflowError = Problem;

/** `engine.start({ definition, input, id })`: {@link StartOptions} with the definition, and `id` for `executionId`. */
export interface StartRequest extends Omit<StartOptions, 'executionId'> {
  readonly definition: Definition;
  /**
   * Start under this id. Idempotent: starting an id that exists returns that execution when the definition (hash)
   * and input are the same, and throws `ExecutionExistsError` otherwise. @default a new UUID
   */
  readonly id?: string;
}

/** An Itonami engine: load definitions, run executions, read and rebuild their histories. */
export interface Engine {
  /**
   * Parses and validates a definition and makes it known: YAML or JSON text, an object, or the path of a definition
   * file. A string is a path when it has no line break and ends in `.yaml`, `.yml` or `.json` (no definition text
   * does: a one-line document is a `{…}` mapping); it is read at once, relative to the working directory, like
   * {@link Engine.loadFile} would. A `.kotoba` path throws a `TypeError`: Jsonnet evaluates asynchronously, so use
   * `await engine.loadFile(path)`. Throws {@link DefinitionInvalidError}.
   *
   * @example
   * const fromFile = engine.load('greet.yaml');
   * const fromText = engine.load(await readFile('greet.yaml', 'utf8'), { path: 'greet.yaml' });
   */
  load(source: string | object, options?: { path?: string }): Definition;
  /** Like {@link Engine.load}, but returns the problems instead of throwing, and registers nothing. */
  validate(source: string | object, options?: { path?: string }): LoadDefinitionResult;
  /**
   * Loads a definition file and makes it known: a Serverless Workflow document (YAML or JSON), a `.kotoba`
   * WorkflowIR (Jsonnet), or a serde WorkflowIR `.json` (recognised by its content: a `strategy` and no `document`).
   * A WorkflowIR is compiled into a Serverless Workflow document and runs like one (same history, replay, CLI);
   * its problems point into the IR (`/workflow/strategy/…`). Throws {@link DefinitionInvalidError}.
   *
   * @example
   * const engine = await createEngine({ functions: { validate_order: (input) => ({ valid: true }) } });
   * const definition = await engine.loadFile('order.kotoba');
   * const result = await engine.run(definition, { input: { orderId: 'o-1' } });
   */
  loadFile(path: string): Promise<Definition>;
  /** Like {@link Engine.loadFile}, but returns the problems instead of throwing, and registers nothing. */
  validateFile(path: string): Promise<LoadDefinitionResult>;
  /**
   * Starts an execution; resolves once `WorkflowStarted` is durable. `start({ definition, input, id })` and
   * `start(definition, { input, executionId: id })` are the same call; a {@link StartRequest} takes no second
   * argument, and a bad `definition` or `id` in it throws a `TypeError` naming the field.
   *
   * @example
   * const { executionId } = await engine.start({ definition, input: { orderId: 'o-1' }, id: 'order-o-1' });
   */
  start(definition: Definition | StartRequest, options?: StartOptions): Promise<ExecutionHandle>;
  /** Starts an execution and waits for its end (both forms of {@link Engine.start}). */
  run(definition: Definition | StartRequest, options?: StartOptions): Promise<ExecutionResult>;
  /**
   * Waits for an execution to end, wherever it was started (another process, an earlier run of this one), and
   * returns how it ended; this engine runs it on if nobody holds it. `ExecutionNotFoundError` for an unknown id.
   *
   * @example
   * const result = await engine.waitForCompletion(executionId);
   */
  waitForCompletion(executionId: string): Promise<ExecutionResult>;
  /** The folded state (at version `atSeq` when given; `RangeError` past the head); undefined when unknown. */
  getExecution(executionId: string, options?: { atSeq?: number }): Promise<ExecutionState | undefined>;
  /** The state at a version (`seq`): `getExecution(id, { atSeq: version })`. */
  getExecutionAt(executionId: string, version: number): Promise<ExecutionState | undefined>;
  /** Recomputes hash chains (one execution or all) and names the first bad event of each broken one. */
  verify(options?: { executionId?: string }): Promise<VerifyReport>;
  /** Stores a definition by hash for every process on this store (workers, `run.workflow`). */
  deploy(definition: Definition): Promise<void>;
  listExecutions(filter?: ExecutionFilter): Promise<ExecutionRecord[]>;
  /** The events of an execution in `seq` order (within `range`); `ExecutionNotFoundError` for an unknown id. */
  history(executionId: string, range?: { fromSeq?: number; toSeq?: number }): Promise<AnyHistoryEvent[]>;
  /** The same as {@link Engine.history}. */
  getHistory(executionId: string, range?: { fromSeq?: number; toSeq?: number }): Promise<AnyHistoryEvent[]>;
  /** Replays an execution from its history with every side effect disabled and returns the state it rebuilds. */
  rebuild(executionId: string): Promise<ExecutionState>;
  /** Cancels an execution (aborting in-flight side effects and children). False when it had already ended. */
  cancel(executionId: string, reason?: string): Promise<boolean>;
  /**
   * Sends a signal to an execution, buffered in its mailbox until a wait consumes it: a `listen` for
   * `{ type: 'io.itonami.signal', subject: NAME }` (a `.kotoba` signal wait compiles to one). `id` deduplicates a
   * resend. False when the execution has ended.
   *
   * @example
   * await engine.signal(executionId, 'approve', { by: 'ann' });
   */
  signal(executionId: string, name: string, payload?: Json, options?: { id?: string }): Promise<boolean>;
  /** Suspends an execution: it parks until resumed. False when it had already ended. */
  suspend(executionId: string, reason?: string): Promise<boolean>;
  /** Resumes a suspended execution. False when it had already ended. */
  resume(executionId: string): Promise<boolean>;
  /**
   * Runs every runnable execution of the store (new, orphaned, parked and due) until `signal` aborts or, with
   * `untilIdle`, until nothing is runnable and no timer falls due within `maxWaitMs`.
   */
  work(options?: WorkOptions): Promise<void>;
  /**
   * Publishes a CloudEvent into the durable inbox: every `listen` subscribed now receives it, even if its execution
   * is parked or no worker runs yet. `id`, `time` and `specversion` are filled in when missing; a repeat of a
   * (source, id) already accepted is ignored (`isAccepted: false`).
   */
  publish(event: CloudEventInput): Promise<{ event: CloudEvent; isAccepted: boolean }>;
  /** The spec's lifecycle CloudEvents; returns the unsubscribe function. */
  onLifecycleEvent(listener: (event: CloudEvent) => void): () => void;
  on<K extends keyof EngineEventMap>(event: K, listener: (...args: EngineEventMap[K]) => void): unknown;
  off<K extends keyof EngineEventMap>(event: K, listener: (...args: EngineEventMap[K]) => void): unknown;
  /** Cancels running executions and closes the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates an engine. The embedded default keeps histories in memory; pass a `store` to keep them.
 *
 * @example
 * const engine = await createEngine({ store: { kind: 'sqlite', path: 'itonami.db' } });
 * const definition = engine.load(await readFile('hello.yaml', 'utf8'));
 * const result = await engine.run(definition, { input: { name: 'world' } });
 * if (result.status === 'completed') console.log(result.output);
 * await engine.close();
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const jq = createCompiledJqEngine();
  const functions = createFunctionRegistry(options.functions ?? {});
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const http = createHttpActivities({ ...(options.fetch === undefined ? {} : { fetch: options.fetch }), ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }) });
  const processes = createProcessActivities(options.containerRuntime === undefined ? {} : { containerRuntime: options.containerRuntime });
  const resources = createResourceReader({ ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }), fetchText: (location, signal) => http.fetchText(location, signal) });
  const effects: Effects = {
    http: (request) => http.http(request),
    openapi: (request) => http.openapi(request),
    runShell: (request) => processes.runShell(request),
    runScript: (request) => processes.runScript(request),
    runContainer: (request) => processes.runContainer(request),
    readResource: (request) => resources.readResource(request),
    resolveCatalogFunction: (request) => resources.resolveCatalogFunction(request),
    callFunction: (request) => functions.call(request),
    functionOptions: (name) => functions.options(name),
  };
  const secrets = options.secrets;
  const store = openEngineStore(options.store);
  const engine = new ExecutionEngine({
    store,
    effects,
    expressions: { strict: createExpressions(jq), loose: createExpressions(jq, { mode: 'loose' }) },
    clock,
    random,
    lifecycleBus: new EventBus(),
    schemas: createJsonSchemaValidator(),
    secrets: typeof secrets === 'function' ? secrets : (name) => secrets?.[name],
    engineVersion: packageVersion(),
    replayFlags: CURRENT_REPLAY_FLAGS,
    owner: options.owner ?? `${hostname()}:${process.pid}:${random.uuid().slice(0, 8)}`,
    leaseMs: options.leaseMs ?? 30_000,
    parkAfterMs: options.parkAfterMs ?? 2_000,
    snapshotEvery: options.snapshotEvery ?? 500,
  });
  const loadOptions = { jq, functions: functions.names };
  const validateSource = (source: string | object, sourceOptions: { path?: string } = {}) =>
    loadDefinition(source, { ...loadOptions, ...sourceOptions });
  /** A file's text: a serde WorkflowIR when a `.json` holds one, else a Serverless Workflow document. */
  const validateFileText = (text: string, path: string): LoadDefinitionResult =>
    extname(path).toLowerCase() === '.json' && isWorkflowIrValue(parsedJson(text))
      ? loadSerdeDefinition(text, { ...loadOptions, path })
      : validateSource(text, { path });
  const validate = (source: string | object, sourceOptions: { path?: string } = {}): LoadDefinitionResult => {
    if (!isDefinitionPath(source)) return validateSource(source, sourceOptions);
    if (extname(source).toLowerCase() === '.kotoba') {
      throw new TypeError(`'${source}' is a .kotoba file, Jsonnet evaluated asynchronously: use await engine.loadFile('${source}') (or validateFile)`);
    }
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (error) {
      return unreadable(source, error);
    }
    return validateFileText(text, source);
  };
  const validateFile = async (path: string): Promise<LoadDefinitionResult> => {
    if (extname(path).toLowerCase() === '.kotoba') return loadKotobaDefinitionFile(path, loadOptions);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      return unreadable(path, error);
    }
    return validateFileText(text, path);
  };
  const startArguments = (first: Definition | StartRequest, second: StartOptions | undefined, method: string): [Definition, StartOptions | undefined] =>
    isStartRequest(first) ? fromStartRequest(first, second, method) : [first, second];
  return {
    validate,
    validateFile,
    async loadFile(path) {
      const result = await validateFile(path);
      if (!result.ok) throw new DefinitionInvalidError(result.problems, path);
      engine.register(result.definition);
      return result.definition;
    },
    load(source, sourceOptions) {
      const result = validate(source, sourceOptions);
      if (!result.ok) throw new DefinitionInvalidError(result.problems, isDefinitionPath(source) ? source : sourceOptions?.path);
      engine.register(result.definition);
      return result.definition;
    },
    start: async (first, startOptions) => engine.start(...startArguments(first, startOptions, 'start')),
    run: async (first, startOptions) => engine.run(...startArguments(first, startOptions, 'run')),
    waitForCompletion: (executionId) => engine.waitForCompletion(executionId),
    getExecution: (executionId, readOptions) => engine.getExecution(executionId, readOptions),
    getExecutionAt: (executionId, version) => engine.getExecution(executionId, { atSeq: version }),
    verify: (verifyOptions) => engine.verify(verifyOptions),
    deploy: (definition) => engine.deploy(definition),
    listExecutions: (filter) => engine.listExecutions(filter),
    history: (executionId, range) => engine.history(executionId, range),
    getHistory: (executionId, range) => engine.history(executionId, range),
    rebuild: (executionId) => engine.rebuild(executionId),
    cancel: (executionId, reason) => engine.cancel(executionId, reason),
    signal: (executionId, name, payload, signalOptions) => engine.signal(executionId, name, payload, signalOptions),
    suspend: (executionId, reason) => engine.suspend(executionId, reason),
    resume: (executionId) => engine.resume(executionId),
    work: (workOptions) => engine.work(workOptions),
    async publish(input) {
      const event = { specversion: '1.0', id: random.uuid(), time: isoInstant(clock.now()), ...input } as CloudEvent;
      const problems = cloudEventProblems(event);
      if (problems.length > 0) throw new TypeError(`not a valid CloudEvent: ${problems.join('; ')}`);
      return { event, isAccepted: await engine.publish(event) };
    },
    onLifecycleEvent: (listener) => engine.onLifecycleEvent(listener),
    on: (event, listener) => engine.on(event, listener as never),
    off: (event, listener) => engine.off(event, listener as never),
    close: () => engine.close(),
  };
}

/**
 * Whether `engine.load`/`validate` reads `source` as a file path: one line ending in a definition file's extension.
 * No definition text has that shape (a document is a mapping, so a one-line one ends with `}`).
 */
function isDefinitionPath(source: string | object): source is string {
  return typeof source === 'string' && !/[\r\n]/.test(source) && /\.(?:ya?ml|json|kotoba)$/i.test(source);
}

function unreadable(path: string, error: unknown): LoadDefinitionResult {
  const found = (error as NodeJS.ErrnoException).code ?? String(error);
  return { ok: false, problems: [{ pointer: '', message: `cannot read ${path}: ${found}`, expected: 'a readable definition file', found }] };
}

/** `start({ definition, … })` rather than `start(definition, options)`: a Definition has no `definition` field. */
function isStartRequest(value: Definition | StartRequest): value is StartRequest {
  return typeof value === 'object' && value !== null && 'definition' in value;
}

function fromStartRequest(request: StartRequest, extra: unknown, method: string): [Definition, StartOptions] {
  if (extra !== undefined) throw new TypeError(`engine.${method}({ definition, … }) takes one argument; put the options in the object`);
  const { definition, id, ...options } = request;
  if (typeof definition !== 'object' || definition === null || typeof definition.hash !== 'string' || typeof definition.document !== 'object') {
    throw new TypeError(`engine.${method}: definition: expected a Definition (what engine.load or engine.loadFile returns), found ${typeof definition === 'object' ? JSON.stringify(definition) : String(definition)}`);
  }
  if (id !== undefined && (typeof id !== 'string' || id.trim() === '')) {
    throw new TypeError(`engine.${method}: id: expected a non-empty string, found ${JSON.stringify(id)}`);
  }
  return [definition, id === undefined ? options : { ...options, executionId: id }];
}

/** The JSON value of `text`, or undefined when it is not JSON (then the definition loader reports why). */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // not JSON: loaded as a Serverless Workflow document, whose parser names the syntax error
  }
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}
