/**
 * The far side of the crash tests' side effects: a loopback server that counts every request per idempotency key
 * and per sending process, answers `{ value: value + add }`, and lets the test decide per request to answer, fail
 * (503) or hold it (never answer: the sender is killed or aborts first).
 *
 * It understands both ways the worker process (test/crash/worker-process.ts) reaches it: the registered function
 * `sideEffect` (body `{ key, pid, input: { value, add } }`) and `call: http` (body `{ value, add }`, headers
 * `Idempotency-Key` and `x-worker-pid`).
 */
import type { ServerResponse } from 'node:http';
import { type Json, ProblemError, type RegisteredFunction } from '../../src/index.js';
import { problem } from '../../src/model/problems.js';
import { type LoopbackServer, type RecordedRequest, sendJson, startLoopbackServer } from '../fixtures/loopback-server.js';

export interface EffectRequest {
  /** The idempotency key the engine sent. */
  readonly key: string;
  /** The sending process (`x-worker-pid` or the body's `pid`), or `unknown`. */
  readonly pid: string;
  readonly via: 'function' | 'http';
  readonly value: number;
  readonly add: number;
  /** 1 for the first request with this key, 2 for the second… */
  readonly attempt: number;
}

export type EffectDecision = 'answer' | 'fail' | 'hold';

export interface EffectServer {
  readonly url: string;
  /** Every request, in arrival order. */
  readonly received: readonly EffectRequest[];
  /** How many requests carried each key. */
  countsByKey(): Map<string, number>;
  close(): Promise<void>;
}

export async function startEffectServer(decide: (request: EffectRequest) => EffectDecision = () => 'answer'): Promise<EffectServer> {
  const received: EffectRequest[] = [];
  const seen = new Map<string, number>();
  const held: ServerResponse[] = [];
  let server: LoopbackServer | undefined;
  server = await startLoopbackServer((request: RecordedRequest, response) => {
    const parsed = parse(request);
    if (parsed === undefined) {
      sendJson(response, 400, { message: `expected a POST to /effect with an idempotency key and { value, add }, found ${request.method} ${request.path} ${request.body}` });
      return;
    }
    const attempt = (seen.get(parsed.key) ?? 0) + 1;
    seen.set(parsed.key, attempt);
    const effect: EffectRequest = { ...parsed, attempt };
    received.push(effect);
    const decision = decide(effect);
    if (decision === 'hold') held.push(response);
    else if (decision === 'fail') sendJson(response, 503, { message: `failing attempt ${attempt} of ${effect.key} on purpose` });
    else sendJson(response, 200, { value: effect.value + effect.add });
  });
  return {
    url: server.url,
    received,
    countsByKey: () => new Map(seen),
    async close() {
      for (const response of held) response.destroy();
      await server?.close();
      server = undefined;
    },
  };
}

function parse(request: RecordedRequest): Omit<EffectRequest, 'attempt'> | undefined {
  if (request.method !== 'POST' || !request.path.startsWith('/effect')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const fromFunction = 'input' in body;
  const fields = (fromFunction ? (body as { input: unknown }).input : body) as { value?: unknown; add?: unknown } | null;
  const key = header('idempotency-key');
  if (key === undefined || typeof fields?.value !== 'number' || typeof fields.add !== 'number') return undefined;
  const sender = (body as { pid?: unknown }).pid;
  const pid = fromFunction ? (typeof sender === 'string' ? sender : 'unknown') : (header('x-worker-pid') ?? 'unknown');
  return { key, pid, via: fromFunction ? 'function' : 'http', value: fields.value, add: fields.add };
}

/**
 * The registered function `sideEffect` as every process of a crash test registers it: POSTs to the effect server
 * with the idempotency key and the calling process's `pid`; a non-2xx answer is a `communication` error.
 */
export function effectFunction(serverUrl: string, pid: string): RegisteredFunction {
  return async (input: Json, context) => {
    const response = await fetch(`${serverUrl}/effect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': context.idempotencyKey },
      body: JSON.stringify({ key: context.idempotencyKey, executionId: context.executionId, taskReference: context.taskReference, pid, input }),
      signal: context.signal,
    });
    const text = await response.text();
    if (!response.ok) throw new ProblemError(problem('communication', { status: response.status, detail: `side effect server answered ${response.status}: ${text}` }));
    return JSON.parse(text) as Json;
  };
}
