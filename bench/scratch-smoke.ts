import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, openSqliteStore } from '../src/index.js';
const dir = mkdtempSync(join(tmpdir(), 'itonami-bench-'));
const engine = await createEngine({ store: openSqliteStore({ path: join(dir, 'db.sqlite'), synchronous: 'FULL' }), functions: { noop: (i) => i } });
const def = engine.load(`
document: { dsl: '1.0.3', namespace: bench, name: three-steps, version: '1.0.0' }
do:
  - a: { call: noop, with: { x: 1 } }
  - b: { call: noop, with: { x: 2 } }
  - c: { call: noop, with: { x: 3 } }
`);
const r = await engine.run(def, { input: {} });
console.log(r);
const h = await engine.history(r.executionId);
console.log(h.map((e) => e.type + ' ' + JSON.stringify(e.data).length));
let t = performance.now();
const N = 1000;
let done = 0; let next = 0;
async function worker() { while (next < N) { next++; const x = await engine.run(def, {}); if (x.status === 'completed') done++; } }
await Promise.all(Array.from({ length: 50 }, worker));
const ms = performance.now() - t;
console.log({ done, ms, stepsPerSec: 3 * done / ms * 1000 });
t = performance.now();
for (let i = 0; i < 200; i++) await engine.run(def, {});
console.log('serial per wf ms', (performance.now() - t) / 200);
await engine.close();
rmSync(dir, { recursive: true });
