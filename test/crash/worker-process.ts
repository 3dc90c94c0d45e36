/**
 * A worker process for the crash tests: `node --import tsx test/crash/worker-process.ts <db> [options]` opens an
 * engine on the SQLite file and runs `engine.work()` until killed (the tests SIGKILL it), until SIGTERM (a clean
 * stop), or with `--until-idle` until nothing is left to run (exit code 0).
 *
 * Its side effects reach the parent test's loopback server, which counts them per idempotency key and origin:
 * - `call: sideEffect` (a registered function) POSTs `{ key, executionId, taskReference, pid, input }` to
 *   `<server>/effect` with `Idempotency-Key`; a 2xx JSON answer is the result, anything else a `communication` error;
 * - `call: http` goes through a fetch that adds `x-worker-pid`, so the server knows which process sent it.
 *
 * Options: `--server <url>`, `--lease-ms <n>`, `--park-after-ms <n>`, `--concurrency <n>`, `--until-idle`,
 * `--max-wait-ms <n>`, `--owner <name>`. Prints `ready <pid>` once the engine is open, `idle` before an
 * `--until-idle` exit, and any failure on stderr (exit code 1).
 */
import { parseArgs } from 'node:util';
import { createEngine, openSqliteStore } from '../../src/index.js';
import { effectFunction } from '../support/effect-server.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string' },
    'lease-ms': { type: 'string' },
    'park-after-ms': { type: 'string' },
    'snapshot-every': { type: 'string' },
    concurrency: { type: 'string' },
    'until-idle': { type: 'boolean' },
    'max-wait-ms': { type: 'string' },
    owner: { type: 'string' },
  },
});
const [path] = positionals;
if (path === undefined) throw new TypeError('worker-process: expected the database path as the first argument, found none');

function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`worker-process --${name}: expected a number ≥ 0, found ${JSON.stringify(raw)}`);
  return value;
}

const server = values.server;
const pid = String(process.pid);
const refuse = () => Promise.reject(new TypeError('worker-process: sideEffect needs --server'));
const sideEffect = server === undefined ? refuse : effectFunction(server, pid);

/** Tags every `call: http` request with this process, so the server can tell a re-run from a first run. */
const taggedFetch: typeof fetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('x-worker-pid', pid);
  return fetch(input, { ...init, headers });
};

const leaseMs = numberOption('lease-ms', values['lease-ms']);
const parkAfterMs = numberOption('park-after-ms', values['park-after-ms']);
const snapshotEvery = numberOption('snapshot-every', values['snapshot-every']);
const engine = await createEngine({
  store: openSqliteStore({ path, synchronous: 'NORMAL', busyTimeoutMs: 10_000 }),
  functions: { sideEffect },
  fetch: taggedFetch,
  ...(leaseMs === undefined ? {} : { leaseMs }),
  ...(parkAfterMs === undefined ? {} : { parkAfterMs }),
  ...(snapshotEvery === undefined ? {} : { snapshotEvery }),
  ...(values.owner === undefined ? {} : { owner: values.owner }),
});
engine.on('listener:error', ({ error }) => process.stderr.write(`worker-process: engine reported ${String(error)}\n`));

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.stdout.write(`ready ${pid}\n`);
try {
  const concurrency = numberOption('concurrency', values.concurrency);
  const maxWaitMs = numberOption('max-wait-ms', values['max-wait-ms']);
  await engine.work({
    signal: stop.signal,
    ...(values['until-idle'] === true ? { untilIdle: true } : {}),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
  });
  process.stdout.write('idle\n');
} finally {
  await engine.close();
}
