import type { Engine } from '../index.js';
import type { Io } from './io.js';

/** Task progress on stderr, one line per step, with timings; silent with `--quiet`. Never on stdout. */
export function attachProgress(engine: Engine, io: Io): void {
  engine.on('task:started', (e) => io.stderr(`started   ${e.reference}\n`));
  engine.on('task:completed', (e) => io.stderr(`completed ${e.reference} (${e.durationMs} ms)\n`));
  engine.on('task:retried', (e) => io.stderr(`retrying  ${e.reference} (attempt ${e.attempt} in ${e.delayMs} ms): ${e.error.title ?? e.error.type}\n`));
  engine.on('task:faulted', (e) => io.stderr(`faulted   ${e.reference} (${e.durationMs} ms): ${e.error.title ?? e.error.type}${e.error.detail === undefined ? '' : ` - ${e.error.detail}`}\n`));
  engine.on('task:cancelled', (e) => io.stderr(`cancelled ${e.reference}\n`));
}
