/**
 * run (DSL 1.0.3 "Run"): a shell command, a script (JavaScript as a Node ES module, Python with python3), a
 * container (docker or podman), or a sub-workflow. Process output is recorded (`EffectCompleted` with code, stdout
 * and stderr) before use and picked by `return`: `stdout` (default), `stderr`, `code`, `all` or `none`. A non-zero
 * exit is a `runtime` error unless `return` is `code` or `all`. With `await: false` the process is started (the
 * start is recorded) and the output is the input.
 *
 * A sub-workflow runs as an execution of its own: `ChildStarted { childExecutionId, definitionHash }` pins the
 * definition, and `ChildCompleted` records its outcome and final hash, so replay never re-runs the child.
 */
import { endpointUri } from '../endpoint-uri.js';
import type { ProcessResult } from '../../activities/effects.js';
import { type Json, type JsonObject, isJsonObject, jsonText } from '../../model/json.js';
import { ProblemError, problem } from '../../model/problems.js';
import type { RunTask } from '../../model/workflow.js';
import type { TaskContext } from '../task-context.js';
import type { TaskHandler } from '../task-kinds.js';

type ReturnMode = 'stdout' | 'stderr' | 'code' | 'all' | 'none';

export const executeRun: TaskHandler<RunTask> = async (task, ctx) => {
  const spec = task.run as Record<string, unknown>;
  if (spec['workflow'] !== undefined) return { output: await runWorkflow(ctx, spec['workflow'] as JsonObject, spec['await'] !== false) };
  const returnMode = (spec['return'] as ReturnMode | undefined) ?? 'stdout';
  const isAwaited = spec['await'] !== false;
  const start = processStarter(ctx, spec);
  if (!isAwaited) {
    await ctx.effect('process', 'process', async (signal) => {
      // Fire and forget: the run is detached from this task's signal but still stops with the engine.
      start(ctx.run.ports.engineSignal ?? signal).catch(() => undefined);
      return null;
    });
    return { output: ctx.input };
  }
  const result = (await ctx.effect('process', 'process', async (signal) => (await start(signal)) as unknown as Json)) as unknown as ProcessResult;
  if (result.code !== 0 && returnMode !== 'code' && returnMode !== 'all') {
    throw new ProblemError(
      problem('runtime', { detail: `process exited with code ${result.code}: ${result.stderr.trim().slice(0, 2000)}`, instance: ctx.pointer }),
    );
  }
  switch (returnMode) {
    case 'stderr':
      return { output: trimEnd(result.stderr) };
    case 'code':
      return { output: result.code };
    case 'all':
      return { output: { code: result.code, stdout: trimEnd(result.stdout), stderr: trimEnd(result.stderr) } };
    case 'none':
      return { output: null };
    default:
      return { output: trimEnd(result.stdout) };
  }
};

/** One trailing newline is the shell's, not the data's. */
function trimEnd(text: string): string {
  return text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
}

function processStarter(ctx: TaskContext, spec: Record<string, unknown>): (signal: AbortSignal) => Promise<ProcessResult> {
  const effects = ctx.run.ports.effects;
  const common = (config: Record<string, unknown>, signal: AbortSignal) => ({
    ...ctx.effectOptions(signal),
    ...(config['stdin'] === undefined ? {} : { stdin: text(ctx.evaluateTemplate(config['stdin'])) }),
    arguments: argumentList(ctx.evaluateTemplate(config['arguments'] ?? [])),
    environment: stringMap(ctx.evaluateTemplate(config['environment'] ?? {})),
  });
  if (spec['shell'] !== undefined) {
    const shell = spec['shell'] as Record<string, unknown>;
    return (signal) => effects.runShell({ ...common(shell, signal), command: text(ctx.evaluateTemplate(shell['command'])) });
  }
  if (spec['script'] !== undefined) {
    const script = spec['script'] as Record<string, unknown>;
    return async (signal) => {
      const code = script['code'] !== undefined ? text(ctx.evaluateTemplate(script['code'])) : await readScriptSource(ctx, script, signal);
      return effects.runScript({ ...common(script, signal), language: String(script['language']), code });
    };
  }
  if (spec['container'] !== undefined) {
    const container = spec['container'] as Record<string, unknown>;
    const lifetime = container['lifetime'] as { cleanup?: 'always' | 'never' | 'eventually' } | undefined;
    return (signal) =>
      effects.runContainer({
        ...common(container, signal),
        image: text(ctx.evaluateTemplate(container['image'])),
        ...(container['name'] === undefined ? {} : { name: text(ctx.evaluateTemplate(container['name'])) }),
        ...(container['command'] === undefined ? {} : { command: text(ctx.evaluateTemplate(container['command'])) }),
        ...(container['ports'] === undefined ? {} : { ports: ctx.evaluateTemplate(container['ports']) as JsonObject }),
        ...(container['volumes'] === undefined ? {} : { volumes: ctx.evaluateTemplate(container['volumes']) as JsonObject }),
        ...(container['pullPolicy'] === undefined ? {} : { pullPolicy: container['pullPolicy'] as 'ifNotPresent' }),
        ...(lifetime?.cleanup === undefined ? {} : { cleanup: lifetime.cleanup }),
      });
  }
  throw new ProblemError(problem('configuration', { detail: 'run needs one of container, script, shell or workflow', instance: ctx.pointer }));
}

async function readScriptSource(ctx: TaskContext, script: Record<string, unknown>, signal: AbortSignal): Promise<string> {
  const source = script['source'] as { endpoint?: unknown } | undefined;
  const uri = endpointUri(source?.endpoint);
  if (uri === undefined) {
    throw new ProblemError(problem('configuration', { detail: 'a script needs code or source.endpoint', instance: ctx.pointer }));
  }
  return ctx.run.ports.effects.readResource({ resource: { uri }, signal });
}

async function runWorkflow(ctx: TaskContext, reference: JsonObject, isAwaited: boolean): Promise<Json> {
  const children = ctx.run.ports.children;
  const startedKey = ctx.key('child/started');
  const recorder = ctx.run.recorder;
  const started = await recorder.capture(
    'ChildStarted',
    startedKey,
    async () => {
      const namespace = jsonText(reference['namespace']);
      const name = jsonText(reference['name']);
      const version = reference['version'] === undefined ? 'latest' : jsonText(reference['version']);
      const definition = await children.resolve({ namespace, name, version });
      if (definition === undefined) {
        throw new ProblemError(
          problem('configuration', { detail: `no workflow ${namespace}/${name}@${version} is known to the engine (deploy it, or pass --workflows DIR)`, instance: ctx.pointer }),
        );
      }
      return { key: startedKey, childExecutionId: ctx.run.ports.random.uuid(), definitionHash: definition.hash };
    },
    ctx.signal,
  );
  const definition = await children.byHash(started.data.definitionHash);
  if (definition === undefined) {
    throw new ProblemError(problem('configuration', { detail: `the definition ${started.data.definitionHash} of the child is not known`, instance: ctx.pointer }));
  }
  const input = reference['input'] === undefined ? ctx.input : ctx.evaluateTemplate(reference['input']);
  const childRun = (signal: AbortSignal) =>
    children.run({
      executionId: started.data.childExecutionId,
      definition,
      input,
      parent: { executionId: ctx.run.executionId, key: startedKey },
      signal,
    });
  // The child must never outlive a crash that loses its ChildStarted (replay would start another one).
  if (!isAwaited) {
    await recorder.resultsDurable();
    childRun(ctx.run.ports.engineSignal ?? ctx.signal).catch(() => undefined);
    return ctx.input;
  }
  const completedKey = ctx.key('child/completed');
  const completed = await recorder.capture(
    'ChildCompleted',
    completedKey,
    async () => {
      // A wait like a listen's: the run may park meanwhile, and the child's end makes it due again.
      await recorder.resultsDurable();
      const endWait = ctx.run.observer.waitBegan(null);
      const result = await childRun(ctx.signal).finally(endWait);
      // Cancelled with its parent: the parent is cancelled too, not faulted, and nothing is recorded for the child.
      ctx.signal.throwIfAborted();
      return {
        key: completedKey,
        childExecutionId: started.data.childExecutionId,
        status: result.status,
        ...(result.status === 'completed' ? { output: result.output } : {}),
        ...(result.status === 'faulted' ? { error: result.error } : {}),
        hash: result.hash,
      };
    },
    ctx.signal,
  );
  const outcome = completed.data;
  if (outcome.status === 'completed') return outcome.output ?? null;
  if (outcome.status === 'faulted' && outcome.error !== undefined) {
    throw new ProblemError({ ...outcome.error, instance: ctx.pointer, detail: `sub-workflow ${started.data.childExecutionId} faulted: ${outcome.error.detail ?? outcome.error.title ?? outcome.error.type}` });
  }
  throw new ProblemError(problem('runtime', { detail: `sub-workflow ${started.data.childExecutionId} was cancelled`, instance: ctx.pointer }));
}

const text = jsonText;

/** The schema's form is a list of strings; a map (as catalog functions write) becomes `--key value` pairs. */
function argumentList(value: Json): string[] {
  if (Array.isArray(value)) return value.map(text);
  if (isJsonObject(value)) {
    return Object.entries(value).flatMap(([key, v]) => (v === null || v === false ? [] : v === true ? [`--${key}`] : [`--${key}`, text(v)]));
  }
  return value === null ? [] : [text(value)];
}

function stringMap(value: Json): Record<string, string> {
  if (!isJsonObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, text(v)]));
}
